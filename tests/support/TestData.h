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

// The console's stores and settings (XDG data, config and cache) in folders under `root`, so a
// test starts as a user with nothing saved and leaves the real ones untouched.
void useOwnUserFolders(const QString& root);

} // namespace ops::test
