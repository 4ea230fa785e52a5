#pragma once

#include <QByteArray>
#include <QString>

namespace ops::test {

// Path of a file under tests/data (copied fixtures made by the real Python libraries).
QString dataPath(const QString& relative);
// The whole file, or a failed QVERIFY-friendly empty array when missing.
// data gzip-compressed (a gateway's Content-Encoding: gzip body).
QByteArray gzip(const QByteArray& data);
QByteArray readData(const QString& relative);

} // namespace ops::test
