#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ops {

// The one CSV writer of every export (audit log, alert history, chart data): RFC 4180, UTF-8,
// CRLF line ends, a field quoted when it holds a comma, a quote or a line break. Text from
// elsewhere (commit messages, workflow errors, comments, instance labels) must not run as a
// formula in a spreadsheet: a cell starting with =, +, -, @, tab or CR gets a ' in front
// (OWASP "CSV injection"), unless it is a plain number such as -3.5.
class CsvWriter {
public:
    void addRow(const QStringList& cells);
    const QByteArray& data() const { return m_data; }
    int rowCount() const { return m_rows; }

    // One cell as written: neutralised, then quoted when needed.
    static QString field(const QString& cell);
    // The cell with a ' in front when a spreadsheet would read it as a formula.
    static QString neutralised(const QString& cell);

private:
    QByteArray m_data;
    int m_rows = 0;
};

} // namespace ops
