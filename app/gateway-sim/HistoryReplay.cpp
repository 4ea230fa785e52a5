#include "app/gateway-sim/HistoryReplay.h"

#include <QDateTime>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace ops::sim {

namespace {
constexpr qint64 kDayS = 86'400;
constexpr double kPi = 3.14159265358979323846;
} // namespace

HistoryReplay::HistoryReplay(const SimOptions& options, double simulatorStartS)
    : m_options(options)
    , m_originS(double((qint64(std::floor(simulatorStartS)) / kDayS - 1) * kDayS))
{
}

double HistoryReplay::rpsAt(double tS) const
{
    // 1 at 14:00 UTC, 1/3 at 02:00 UTC, smooth in between.
    const double dayFraction = std::fmod(tS, double(kDayS)) / double(kDayS);
    const double shape = 2.0 / 3.0 + std::cos(2.0 * kPi * (dayFraction - 14.0 / 24.0)) / 3.0;
    return m_options.rps * shape;
}

const TrafficModel& HistoryReplay::at(double atS)
{
    const qint64 target = qint64(std::floor(atS));
    if (!m_model || target < m_tickS) {
        // Back in time: from the newest checkpoint at or before it, else from the origin.
        const auto from = std::find_if(m_checkpoints.rbegin(), m_checkpoints.rend(),
                                       [target](const auto& c) { return c.first <= target; });
        if (from != m_checkpoints.rend()) {
            m_model = std::make_unique<TrafficModel>(*from->second);
            m_tickS = from->first;
        } else {
            m_model = std::make_unique<TrafficModel>(m_options.dialect, m_options.seed,
                                                     m_options.endpoints, m_originS);
            // No reading of this process: the same T, the same body.
            m_model->setModelledProcess(true);
            m_tickS = qint64(m_originS);
        }
    }
    while (m_tickS < target) {
        ++m_tickS;
        m_model->advance(
            double(m_tickS),
            TrafficRegime{rpsAt(double(m_tickS)), m_options.meanLatencyS, m_options.errorRate});
        if ((m_tickS - qint64(m_originS)) % kCheckpointS == 0 &&
            (m_checkpoints.empty() || m_checkpoints.back().first < m_tickS)) {
            m_checkpoints.emplace_back(m_tickS, std::make_unique<TrafficModel>(*m_model));
            if (m_checkpoints.size() > kCheckpointsKept)
                m_checkpoints.pop_front();
        }
    }
    return *m_model;
}

std::optional<double> HistoryReplay::parseAt(const QString& text, QString* error)
{
    static const QRegularExpression digits(QStringLiteral("^\\d{1,15}$"));
    if (digits.match(text).hasMatch())
        return double(text.toLongLong()) / 1000.0;
    const QDateTime parsed = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!parsed.isValid()) {
        *error = QStringLiteral("at=%1 is not a time: give milliseconds since the epoch "
                                "(1767225600000) or RFC 3339 (2026-01-01T00:00:00Z)")
                     .arg(text);
        return std::nullopt;
    }
    if (parsed.timeSpec() == Qt::LocalTime) {
        *error =
            QStringLiteral("at=%1 has no time zone: end it with Z or an offset (+01:00)").arg(text);
        return std::nullopt;
    }
    return double(parsed.toMSecsSinceEpoch()) / 1000.0;
}

} // namespace ops::sim
