#include "models/net/RetryAfter.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QTime>

#include <algorithm>

namespace ops {

namespace {

int monthFromName(const QByteArray& name)
{
    static const char* const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    const QByteArray lower = name.toLower();
    for (int i = 0; i < 12; ++i) {
        if (lower == months[i])
            return i + 1;
    }
    return 0;
}

bool toInt(const QByteArray& text, int& out)
{
    bool ok = false;
    out = text.toInt(&ok);
    return ok;
}

std::optional<qint64> toMs(int year, int month, int day, const QByteArray& hms)
{
    const QList<QByteArray> parts = hms.split(':');
    if (parts.size() != 3)
        return std::nullopt;
    int h = 0, m = 0, s = 0;
    if (!toInt(parts[0], h) || !toInt(parts[1], m) || !toInt(parts[2], s))
        return std::nullopt;
    const QDate date(year, month, day);
    const QTime time(h, m, s == 60 ? 59 : s);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    return QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

std::optional<qint64> parseHttpDateMs(const QByteArray& value)
{
    const QByteArray text = value.simplified();
    QList<QByteArray> tokens = text.split(' ');
    int day = 0, year = 0;
    if (tokens.size() == 6 && tokens[0].endsWith(',')) {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        const int month = monthFromName(tokens[2]);
        if (tokens[5] != "GMT" || month == 0 || !toInt(tokens[1], day) || !toInt(tokens[3], year))
            return std::nullopt;
        return toMs(year, month, day, tokens[4]);
    }
    if (tokens.size() == 4 && tokens[0].endsWith(',')) {
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        const QList<QByteArray> dmy = tokens[1].split('-');
        if (dmy.size() != 3 || tokens[3] != "GMT")
            return std::nullopt;
        const int month = monthFromName(dmy[1]);
        if (month == 0 || !toInt(dmy[0], day) || !toInt(dmy[2], year))
            return std::nullopt;
        if (dmy[2].size() == 2)
            year += year < 70 ? 2000 : 1900;
        return toMs(year, month, day, tokens[2]);
    }
    if (tokens.size() == 5) {
        // asctime: Sun Nov  6 08:49:37 1994 (simplified() folded the double space)
        const int month = monthFromName(tokens[1]);
        if (month == 0 || !toInt(tokens[2], day) || !toInt(tokens[4], year))
            return std::nullopt;
        return toMs(year, month, day, tokens[3]);
    }
    return std::nullopt;
}

std::optional<qint64> parseRetryAfterMs(const QByteArray& value, qint64 nowMs, qint64 capMs)
{
    const QByteArray text = value.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (text.size() > 12) // absurd: more than ~30,000 years
            return capMs;
        return std::min(text.toLongLong() * 1000, capMs);
    }
    const std::optional<qint64> when = parseHttpDateMs(text);
    if (!when)
        return std::nullopt;
    return std::clamp<qint64>(*when - nowMs, 0, capMs);
}

} // namespace ops
