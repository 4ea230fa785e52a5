// libFuzzer target: every workflow decoder of models/workflows on arbitrary bytes. The first byte
// picks the decoder (all of them run on every input too, cheaply); none may crash, hang, or report
// ok together with an error.
#include "models/workflows/WorkflowDecoder.h"

#include <QByteArray>
#include <QJsonValue>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

template <typename T> void check(const ops::Decoded<T>& d)
{
    if (d.ok != d.error.isEmpty())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const int status = 200 + data[0] * 2; // 200 .. 710: success, 4xx and 5xx envelopes
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char*>(data + 1),
                                                    static_cast<qsizetype>(size - 1));
    using namespace ops::workflowjson;
    const auto w = decodeWorkflow(body);
    check(w);
    if (w.ok) {
        for (const ops::WorkflowStep& s : w.value.steps)
            (void)s.name.size();
    }
    check(decodeWorkflowList(body));
    check(decodeStatus(body, QStringLiteral("wf_0000abcd")));
    check(decodeSteps(body));
    check(decodeCreateReply(body));
    check(decodeJobCreateReply(body));
    const QString text = errorText(status, body);
    if (text.isEmpty())
        std::abort(); // an operator always gets words
    (void)fieldErrors(body);
    (void)parseTimeMs(QJsonValue(QString::fromUtf8(body.left(64))));
    return 0;
}
