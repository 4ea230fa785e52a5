// libFuzzer target: the Render deploy / service JSON decoders and the verify checklist (parse
// and evaluation) of models/deploy on arbitrary bytes. The first byte picks the HTTP status the
// checklist evaluates; the rest is the body.
#include "models/deploy/RenderDeploy.h"
#include "models/deploy/VerifyCheck.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const int status = 100 + data[0] * 2;
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char*>(data + 1),
                                                    static_cast<qsizetype>(size - 1));
    const QJsonDocument doc = QJsonDocument::fromJson(body);

    // A deploy, a list of {"deploy", "cursor"} wrappers, a service: what RenderClient decodes.
    QJsonArray items = doc.isArray() ? doc.array() : QJsonArray{doc.object()};
    for (const QJsonValue& v : items) {
        if (const auto d = ops::RenderDeploy::fromJson(v.toObject())) {
            if (d->id.isEmpty())
                std::abort();
            (void)d->isFinished();
            (void)d->isFailure();
            (void)d->statusText();
            (void)d->shortCommit();
            // What the console writes back (audit rows) decodes to the same deploy.
            const auto again = ops::RenderDeploy::fromJson(d->toJson());
            if (!again || again->id != d->id || again->status != d->status ||
                again->commitId != d->commitId)
                std::abort();
        }
        if (const auto s = ops::RenderServiceInfo::fromJson(v.toObject())) {
            if (s->id.isEmpty())
                std::abort();
        }
    }

    // The checklist: the body as an edited checklist, and as the answer to the plan's checks.
    QString error;
    const auto list = ops::VerifyCheck::listFromJson(body, &error);
    if (!list && error.isEmpty())
        std::abort();
    if (list) {
        for (const ops::VerifyCheck& c : *list) {
            (void)c.expectationText();
            (void)c.evaluate(status, body);
        }
        QString error2;
        const auto again =
            ops::VerifyCheck::listFromJson(ops::VerifyCheck::listToJson(*list), &error2);
        if (!again || again->size() != list->size())
            std::abort();
    }
    for (const ops::VerifyCheck& c : ops::VerifyCheck::planDefaults())
        (void)c.evaluate(status, body);
    return 0;
}
