#include "models/domain/CsvWriter.h"

#include <QRegularExpression>

namespace ops {

QString CsvWriter::neutralised(const QString& cell)
{
    if (cell.isEmpty())
        return cell;
    const QChar first = cell.front();
    const bool risky = first == u'=' || first == u'+' || first == u'-' || first == u'@' ||
                       first == u'\t' || first == u'\r';
    if (!risky)
        return cell;
    // A number stays a number: "-3.5" or "+1e-9" cannot run anything.
    static const QRegularExpression number(
        QStringLiteral("^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?$"));
    if (number.match(cell).hasMatch())
        return cell;
    return QLatin1Char('\'') + cell;
}

QString CsvWriter::field(const QString& cell)
{
    const QString text = neutralised(cell);
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') &&
        !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

void CsvWriter::addRow(const QStringList& cells)
{
    QStringList fields;
    fields.reserve(cells.size());
    for (const QString& cell : cells)
        fields << field(cell);
    m_data += fields.join(u',').toUtf8();
    m_data += "\r\n";
    ++m_rows;
}

} // namespace ops
