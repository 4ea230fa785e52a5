#include "app/console/LaunchRequest.h"

LaunchRequest parseLaunchRequest(const QStringList& arguments, QString* problem)
{
    LaunchRequest request;
    // The value of --name at i (as "--name value" or "--name=value"); empty when absent.
    const auto valueOf = [&arguments](int& i, const QString& name, QString* value) {
        const QString& arg = arguments.at(i);
        if (arg == name) {
            if (i + 1 >= arguments.size())
                return false;
            *value = arguments.at(++i);
            return true;
        }
        if (arg.startsWith(name + u'=')) {
            *value = arg.mid(name.size() + 1);
            return true;
        }
        return false;
    };
    for (int i = 0; i < arguments.size(); ++i) {
        QString value;
        if (valueOf(i, QStringLiteral("--target"), &value)) {
            request.targetName = value;
        } else if (valueOf(i, QStringLiteral("--url"), &value)) {
            const QUrl url(value, QUrl::StrictMode);
            if (url.isValid() && !url.host().isEmpty() &&
                (url.scheme() == u"http" || url.scheme() == u"https")) {
                request.url = url;
            } else if (problem) {
                *problem = QStringLiteral("not a gateway URL: %1").arg(value.left(200));
            }
        } else if (valueOf(i, QStringLiteral("--page"), &value)) {
            request.page = value;
        } else if (valueOf(i, QStringLiteral("--interval"), &value)) {
            bool ok = false;
            const double seconds = value.toDouble(&ok);
            if (ok && seconds >= 1 && seconds <= 3600)
                request.intervalMs = static_cast<int>(seconds * 1000);
        } else if (arguments.at(i) == u"--allow-http") {
            request.allowPlainHttp = true;
        }
    }
    return request;
}
