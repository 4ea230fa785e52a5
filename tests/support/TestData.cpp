#include "TestData.h"

#include <QFile>

namespace ops::test {

QString dataPath(const QString& relative)
{
    const QByteArray fromEnv = qgetenv("OPS_TEST_DATA");
    const QString root =
        fromEnv.isEmpty() ? QStringLiteral(OPS_TEST_DATA_DIR) : QString::fromLocal8Bit(fromEnv);
    return root + QLatin1Char('/') + relative;
}

QByteArray readData(const QString& relative)
{
    QFile file(dataPath(relative));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("test data missing: %s", qPrintable(file.fileName()));
    return file.readAll();
}

} // namespace ops::test
