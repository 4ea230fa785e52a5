#pragma once

#include "models/logs/LogLine.h"

#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace ops {

// What the Logs tab shows of the lines it has: levels, types, and text (plain words or a
// regular expression). An invalid regular expression is said in words and matches nothing.
class LogFilter {
public:
    // Levels shown; all when none is set.
    void setLevels(const QList<LogLevel>& levels);
    QList<LogLevel> levels() const;
    // "app", "request", "build"; all when empty.
    void setTypes(const QStringList& types) { m_types = types; }
    const QStringList& types() const { return m_types; }
    // Returns false with the reason in error() when regex and the pattern does not compile.
    bool setText(const QString& text, bool regex, bool caseSensitive = false);
    const QString& text() const { return m_text; }
    bool isRegex() const { return m_regex; }
    bool isValid() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }
    bool isEmpty() const { return m_levelMask == 0 && m_types.isEmpty() && m_text.isEmpty(); }

    bool matches(const LogLine& line) const;

private:
    quint32 m_levelMask = 0;
    QStringList m_types;
    QString m_text;
    bool m_regex = false;
    Qt::CaseSensitivity m_case = Qt::CaseInsensitive;
    QRegularExpression m_re;
    QString m_error;
};

// "Invalid regular expression at character 4: missing closing parenthesis" or empty.
QString describeRegexError(const QRegularExpression& re);

} // namespace ops
