#include "models/history/HistoryPaths.h"

#include "models/targets/TargetStore.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QStandardPaths>

namespace ops {

QString defaultHistoryRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/history");
}

QString historyFolderFor(const QString& root, const QString& sessionId)
{
    QString safe;
    safe.reserve(sessionId.size());
    for (const QChar c : sessionId) {
        const bool plain = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
                           (c >= u'0' && c <= u'9') || c == u'.' || c == u'-' || c == u'_';
        safe.append(plain ? c : QChar(u'_'));
    }
    if (safe.startsWith(u'.'))
        safe[0] = u'_';
    const QByteArray hash =
        QCryptographicHash::hash(sessionId.toUtf8(), QCryptographicHash::Sha256).toHex().left(8);
    return root + u'/' + safe.left(80) + u'-' + QString::fromLatin1(hash);
}

QString historyFolderOfTarget(const QString& root, const QString& name, const TargetStore* targets)
{
    const QString savedId = targets ? targets->idOf(name) : QString();
    if (!savedId.isEmpty())
        return historyFolderFor(root, savedId);
    const QString unsaved = historyFolderFor(root, QStringLiteral("unsaved/") + name);
    return QFileInfo(unsaved).isDir() ? unsaved : QString();
}

} // namespace ops
