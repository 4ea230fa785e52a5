#include "models/logs/LogFilter.h"

namespace ops {

QString describeRegexError(const QRegularExpression& re)
{
    if (re.isValid()) {
        return {};
    }
    if (re.patternErrorOffset() >= re.pattern().size()) {
        return QStringLiteral("Invalid regular expression: %1 at its end").arg(re.errorString());
    }
    return QStringLiteral("Invalid regular expression at character %1: %2")
        .arg(re.patternErrorOffset() + 1)
        .arg(re.errorString());
}

void LogFilter::setLevels(const QList<LogLevel>& levels)
{
    m_levelMask = 0;
    for (LogLevel l : levels) {
        m_levelMask |= 1u << static_cast<unsigned>(l);
    }
}

QList<LogLevel> LogFilter::levels() const
{
    QList<LogLevel> out;
    for (unsigned i = 0; i <= static_cast<unsigned>(LogLevel::Critical); ++i) {
        if (m_levelMask & (1u << i)) {
            out << static_cast<LogLevel>(i);
        }
    }
    return out;
}

bool LogFilter::setText(const QString& text, bool regex, bool caseSensitive)
{
    m_text = text;
    m_regex = regex;
    m_case = caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    m_error.clear();
    m_re = QRegularExpression();
    if (regex && !text.isEmpty()) {
        m_re = QRegularExpression(text, caseSensitive ? QRegularExpression::NoPatternOption
                                                      : QRegularExpression::CaseInsensitiveOption);
        if (!m_re.isValid()) {
            m_error = describeRegexError(m_re);
            return false;
        }
        m_re.optimize();
    }
    return true;
}

bool LogFilter::matches(const LogLine& line) const
{
    if (!m_error.isEmpty()) {
        return false;
    }
    if (m_levelMask != 0 && !(m_levelMask & (1u << static_cast<unsigned>(line.level)))) {
        return false;
    }
    if (!m_types.isEmpty() && !m_types.contains(line.type)) {
        return false;
    }
    if (m_text.isEmpty()) {
        return true;
    }
    if (m_regex) {
        return m_re.match(line.message).hasMatch();
    }
    return line.message.contains(m_text, m_case);
}

} // namespace ops
