#include "models/alerts/AlertEngine.h"

#include "models/domain/Logging.h"
#include "models/domain/Units.h"

#include "models/alerts/AlertStore.h"
#include "models/domain/Clock.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

namespace ops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxHistory = 20000;

bool signalIs(const AlertRule& rule, const char* name)
{
    return rule.signal == QLatin1String(name);
}

double aggregateSeries(const QList<double>& values, SeriesAggregation how)
{
    if (how == SeriesAggregation::Count)
        return double(values.size());
    if (values.isEmpty())
        return kNaN;
    double sum = 0;
    double lo = values.first();
    double hi = values.first();
    for (double v : values) {
        sum += v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    switch (how) {
    case SeriesAggregation::Sum:
        return sum;
    case SeriesAggregation::Avg:
        return sum / double(values.size());
    case SeriesAggregation::Max:
        return hi;
    case SeriesAggregation::Min:
        return lo;
    case SeriesAggregation::Count:
        break;
    }
    return kNaN;
}

} // namespace

AlertEngine::AlertEngine(const Clock* clock, AlertStore* store, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_store(store)
{
    qRegisterMetaType<ops::AlertTransition>();
}

AlertEngine::~AlertEngine() = default;

QString AlertEngine::defaultAuthor()
{
    return operatorName(); // the same identity the audit log records
}

void AlertEngine::setRules(const QList<AlertRule>& rules)
{
    m_rules = rules;
    // Alerts of rules that are gone (or renamed) go away; the rest keep their state.
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const AlertRule* r = rule(it.key().rule);
        if (!r || !r->appliesTo(it.key().target)) {
            it = m_entries.erase(it);
        } else {
            it->status.severity = r->severity;
            ++it;
        }
    }
    emit alertsChanged();
}

const AlertRule* AlertEngine::rule(const QString& name) const
{
    for (const AlertRule& r : m_rules) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

void AlertEngine::setFlapThresholds(double high, double low)
{
    m_flapHigh = high;
    m_flapLow = low;
}

void AlertEngine::restoreFromStore()
{
    if (!m_store)
        return;
    for (const AlertStatus& status : m_store->loadStatuses()) {
        const AlertRule* r = rule(status.key.rule);
        if (!r || !r->appliesTo(status.key.target))
            continue;
        Entry& entry = m_restored[status.key];
        entry.status = status;
        entry.status.severity = r->severity;
        if (status.state == AlertState::Recovering)
            entry.recoveringSinceMs = status.sinceMs;
        if (status.state == AlertState::Pending)
            entry.pendingSinceMs = status.activeSinceMs;
    }
    emit alertsChanged();
}

QList<AlertStatus> AlertEngine::alerts() const
{
    QList<AlertStatus> out;
    out.reserve(m_entries.size());
    for (const Entry& entry : m_entries)
        out << entry.status;
    std::sort(out.begin(), out.end(), [](const AlertStatus& a, const AlertStatus& b) {
        return std::tie(a.key.target, a.key.rule) < std::tie(b.key.target, b.key.rule);
    });
    return out;
}

std::optional<AlertStatus> AlertEngine::alert(const AlertKey& key) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend())
        return std::nullopt;
    return it->status;
}

std::optional<AlertSeverity> AlertEngine::worstFiringSeverity() const
{
    std::optional<AlertSeverity> worst;
    for (const Entry& entry : m_entries) {
        if (entry.status.isFiring() && (!worst || entry.status.severity > *worst))
            worst = entry.status.severity;
    }
    return worst;
}

AlertEngine::Counts AlertEngine::counts() const
{
    Counts counts;
    for (const Entry& entry : m_entries) {
        const AlertStatus& s = entry.status;
        if (s.isFiring()) {
            ++counts.firing;
            counts.acknowledged += s.ack.has_value();
            counts.critical += s.severity == AlertSeverity::Critical;
        }
        counts.pending += s.state == AlertState::Pending;
        counts.noData += s.state == AlertState::NoData;
        counts.errors += s.state == AlertState::Error;
    }
    return counts;
}

QList<AlertTransition> AlertEngine::transitionsBetween(qint64 fromMs, qint64 toMs) const
{
    const bool stored = m_store && m_store->isOpen();
    QList<AlertTransition> out =
        stored ? m_store->transitionsBetween(fromMs, toMs) : QList<AlertTransition>();
    if (stored && !m_store->isReadOnly())
        return out;
    // This run's (a read-only store holds none of them: they follow what it holds).
    for (const AlertTransition& t : m_history) {
        if (t.timeMs >= fromMs && t.timeMs < toMs)
            out << t;
    }
    return out;
}

bool AlertEngine::isDataSignal(const AlertRule& rule) const
{
    return !signalIs(rule, AlertSignals::Stale) && !signalIs(rule, AlertSignals::Unreachable);
}

AlertEngine::Entry& AlertEngine::entryFor(const AlertRule& rule, const QString& target)
{
    const AlertKey key{rule.name, target};
    auto it = m_entries.find(key);
    if (it == m_entries.end() && m_restored.contains(key)) {
        it = m_entries.insert(key, m_restored.take(key));
        emit alertsChanged();
    }
    if (it == m_entries.end()) {
        Entry entry;
        entry.status.key = key;
        entry.status.severity = rule.severity;
        entry.status.threshold = rule.threshold;
        entry.status.sinceMs = m_clock->nowMs();
        it = m_entries.insert(key, entry);
    }
    return *it;
}

double AlertEngine::pointFrom(const AlertRule& rule, const EvaluationSample& sample,
                              bool* error) const
{
    *error = false;
    if (signalIs(rule, AlertSignals::Unreachable)) {
        if (sample.connection == ConnectionState::Connecting)
            return kNaN;
        return (sample.connection == ConnectionState::Unreachable ||
                sample.connection == ConnectionState::Timeout)
                   ? 1.0
                   : 0.0;
    }
    if (!sample.answered) {
        *error = true;
        return kNaN;
    }
    if (signalIs(rule, AlertSignals::ComponentDown)) {
        if (!rule.component.isEmpty()) {
            const auto it = sample.components.constFind(rule.component);
            if (it == sample.components.cend())
                return kNaN; // the body lacks the component: no data, not "down"
            return *it == HealthState::Down ? 1.0 : 0.0;
        }
        double down = 0;
        for (HealthState state : sample.components)
            down += state == HealthState::Down ? 1.0 : 0.0;
        return sample.components.isEmpty() ? kNaN : down;
    }
    if (signalIs(rule, AlertSignals::Metric)) {
        if (!sample.metricLookup)
            return kNaN;
        const QList<double> values = sample.metricLookup(rule.metric, rule.matchers);
        if (values.isEmpty() && rule.seriesAggregation != SeriesAggregation::Count)
            return kNaN;
        return aggregateSeries(values, rule.seriesAggregation);
    }
    return sample.values.value(rule.signal, kNaN);
}

void AlertEngine::evaluate(const EvaluationSample& sample)
{
    TargetInfo& target = m_targets[sample.target];
    if (target.firstSampleMs == 0)
        target.firstSampleMs = sample.timeMs;
    target.sampleMs = sample.timeMs;
    target.lastSuccessMs = sample.lastSuccessMs;
    target.intervalMs = std::max<qint64>(1, sample.intervalMs);
    target.answered = sample.answered;
    target.connection = sample.connection;
    target.detail = sample.connectionDetail;
    for (const AlertRule& r : std::as_const(m_rules)) {
        if (!r.appliesTo(sample.target))
            continue;
        Entry& entry = entryFor(r, sample.target);
        if (!signalIs(r, AlertSignals::Stale)) {
            bool error = false;
            const double value = pointFrom(r, sample, &error);
            if (!error && !std::isnan(value))
                entry.points.emplace_back(sample.timeMs, value);
            // Keep the window (and one point before it, for "increase").
            const qint64 keepFrom = sample.timeMs - std::max<qint64>(r.windowMs, 0);
            while (entry.points.size() > 2 && entry.points[1].first < keepFrom)
                entry.points.pop_front();
        }
        evaluateEntry(entry, r, target, sample.timeMs);
    }
    emit evaluated();
}

void AlertEngine::tick()
{
    const qint64 now = m_clock->nowMs();
    for (const AlertRule& r : std::as_const(m_rules)) {
        for (auto it = m_targets.cbegin(); it != m_targets.cend(); ++it) {
            if (!r.appliesTo(it.key()))
                continue;
            evaluateEntry(entryFor(r, it.key()), r, it.value(), std::max(now, it->sampleMs));
        }
    }
    emit evaluated();
}

double AlertEngine::windowValue(const Entry& entry, const AlertRule& rule, const TargetInfo& target,
                                qint64 nowMs) const
{
    if (signalIs(rule, AlertSignals::Stale)) {
        if (target.lastSuccessMs <= 0)
            return kNaN;
        return std::floor(double(nowMs - target.lastSuccessMs) / double(target.intervalMs));
    }
    // Window 0: the latest poll's point only.
    // The window is (now - window, now]: a 10 s window at 1 s polls holds 10 points.
    const qint64 from = rule.windowMs > 0 ? nowMs - rule.windowMs : target.sampleMs - 1;
    double sum = 0;
    double lo = 0;
    double hi = 0;
    double last = kNaN;
    int n = 0;
    double increase = 0;
    double previous = kNaN;
    for (const auto& [time, value] : entry.points) {
        if (time > nowMs)
            break;
        if (time <= from) {
            previous = value; // the point before the window: the base of "increase"
            continue;
        }
        if (!std::isnan(previous))
            increase += value >= previous ? value - previous : value; // a reset counts from 0
        previous = value;
        sum += value;
        lo = n == 0 ? value : std::min(lo, value);
        hi = n == 0 ? value : std::max(hi, value);
        last = value;
        ++n;
    }
    if (n == 0)
        return kNaN;
    switch (rule.aggregation) {
    case WindowAggregation::Avg:
        return sum / n;
    case WindowAggregation::Max:
        return hi;
    case WindowAggregation::Min:
        return lo;
    case WindowAggregation::Last:
        return last;
    case WindowAggregation::Sum:
        return sum;
    case WindowAggregation::Increase:
        return increase;
    }
    return kNaN;
}

namespace {

// The rule's summary line: its own text with {value} and {threshold} filled in, or
// "signal op threshold (now value)".
QString summaryOf(const AlertRule& rule, double value)
{
    if (!rule.summary.isEmpty())
        return QString(rule.summary)
            .replace(QStringLiteral("{value}"), formatSummaryValue(rule, value))
            .replace(QStringLiteral("{threshold}"), formatSummaryValue(rule, rule.threshold));
    return AlertEngine::tr("%1 %2 %3 (now %4)")
        .arg(rule.signal == QLatin1String(AlertSignals::Metric) ? rule.metric : rule.signal,
             comparisonSymbol(rule.op), formatSummaryValue(rule, rule.threshold),
             formatSummaryValue(rule, value));
}

} // namespace

void AlertEngine::evaluateEntry(Entry& entry, const AlertRule& rule, const TargetInfo& target,
                                qint64 nowMs)
{
    AlertStatus& s = entry.status;
    const AlertState before = s.state;
    const bool wasFlapping = s.flapping;
    const bool hadAck = s.ack.has_value();
    const bool hadSnooze = s.snooze.has_value();
    expireOverlays(entry, nowMs);

    const double value = windowValue(entry, rule, target, nowMs);
    s.value = value;
    s.threshold = rule.threshold;
    s.lastEvaluatedMs = nowMs;

    const Verdict verdict = judge(entry, rule, target, value, nowMs);
    if (verdict.special) {
        if (s.state != *verdict.special)
            setState(entry, rule, *verdict.special, nowMs);
    } else if (verdict.condition) {
        const AlertState next = nextState(entry, rule, *verdict.condition, nowMs);
        if (next != s.state)
            setState(entry, rule, next, nowMs);
    }

    updateFlapping(entry, s.state != before, nowMs);
    s.summary = summaryOf(rule, value);
    if (s.state != before || s.flapping != wasFlapping || s.ack.has_value() != hadAck ||
        s.snooze.has_value() != hadSnooze)
        emit alertsChanged();
}

AlertEngine::Verdict AlertEngine::judge(Entry& entry, const AlertRule& rule,
                                        const TargetInfo& target, double value, qint64 nowMs) const
{
    AlertStatus& s = entry.status;
    Verdict verdict;
    if (isDataSignal(rule) && !target.answered) {
        s.detail = tr("%1: %2").arg(connectionStateName(target.connection), target.detail);
        switch (rule.error) {
        case ErrorPolicy::Error:
            verdict.special = AlertState::Error;
            break;
        case ErrorPolicy::Normal:
            verdict.condition = false;
            break;
        case ErrorPolicy::Alerting:
            verdict.condition = true;
            break;
        case ErrorPolicy::KeepLast:
            break;
        }
    } else if (std::isnan(value)) {
        s.detail = rule.windowMs > 0
                       ? tr("no data in the last %1").arg(formatDuration(rule.windowMs))
                       : tr("no data in the latest poll");
        // Right after start a window cannot hold data yet: no data is declared only once the
        // window (at least two polls) has passed since the first sample.
        const bool grace =
            nowMs - target.firstSampleMs < std::max(rule.windowMs, 2 * target.intervalMs);
        switch (rule.noData) {
        case NoDataPolicy::NoData:
            if (!grace)
                verdict.special = AlertState::NoData;
            break;
        case NoDataPolicy::Normal:
            verdict.condition = false;
            break;
        case NoDataPolicy::Alerting:
            verdict.condition = true;
            break;
        case NoDataPolicy::KeepLast:
            break;
        }
    } else {
        s.detail.clear();
        // Hysteresis: once firing, the alert resolves only past the recovery threshold.
        const bool firingSide = s.episodeFiring;
        const double threshold =
            firingSide && rule.hasRecoveryThreshold ? rule.recoveryThreshold : rule.threshold;
        bool alerting = compare(value, rule.op, threshold);
        if (firingSide && rule.hasRecoveryThreshold) {
            // Resolve only once the value is past the recovery threshold (strictly healthy).
            const bool above =
                rule.op == Comparison::Greater || rule.op == Comparison::GreaterEqual;
            alerting = above ? value > rule.recoveryThreshold : value < rule.recoveryThreshold;
        }
        verdict.condition = alerting;
    }
    return verdict;
}

AlertState AlertEngine::nextState(Entry& entry, const AlertRule& rule, bool alerting,
                                  qint64 nowMs) const
{
    AlertState state = entry.status.state;
    // Coming back from no data / error: an episode that had fired continues firing.
    if (state == AlertState::NoData || state == AlertState::Error)
        state = entry.status.episodeFiring ? AlertState::Firing : AlertState::Normal;
    AlertState next = state;
    if (alerting) {
        switch (state) {
        case AlertState::Normal:
            entry.pendingSinceMs = nowMs;
            next = rule.forMs > 0 ? AlertState::Pending : AlertState::Firing;
            break;
        case AlertState::Pending:
            if (nowMs - entry.pendingSinceMs >= rule.forMs)
                next = AlertState::Firing;
            break;
        case AlertState::Recovering:
            next = AlertState::Firing;
            break;
        default:
            break;
        }
    } else {
        switch (state) {
        case AlertState::Pending:
            next = AlertState::Normal;
            break;
        case AlertState::Firing:
            if (rule.keepFiringForMs > 0) {
                entry.recoveringSinceMs = nowMs;
                next = AlertState::Recovering;
            } else {
                next = AlertState::Normal;
            }
            break;
        case AlertState::Recovering:
            if (nowMs - entry.recoveringSinceMs >= rule.keepFiringForMs)
                next = AlertState::Normal;
            break;
        default:
            break;
        }
    }
    // A pending alert whose `for` has already passed (e.g. for 0) goes straight on.
    if (next == AlertState::Pending && nowMs - entry.pendingSinceMs >= rule.forMs)
        next = AlertState::Firing;
    return next;
}

void AlertEngine::updateFlapping(Entry& entry, bool changed, qint64 nowMs)
{
    AlertStatus& s = entry.status;
    // Flapping: the weighted share of changes over the last evaluations.
    entry.changes.push_back(changed);
    while (entry.changes.size() > std::size_t(kFlapEvaluations))
        entry.changes.pop_front();
    // Weights 0.8 (oldest) .. 1.2 (newest) over a full window; evaluations not yet made count
    // as no change.
    double weighted = 0;
    double full = 0;
    const std::size_t n = entry.changes.size();
    const std::size_t offset = std::size_t(kFlapEvaluations) - n;
    for (int i = 0; i < kFlapEvaluations; ++i) {
        const double w = 0.8 + 0.4 * double(i) / double(kFlapEvaluations - 1);
        full += w;
        if (std::size_t(i) >= offset && entry.changes[std::size_t(i) - offset])
            weighted += w;
    }
    s.flapShare = weighted / full;
    if (!s.flapping && s.flapShare >= m_flapHigh) {
        s.flapping = true;
        AlertTransition t;
        t.kind = TransitionKind::Flapping;
        t.from = t.to = s.state;
        t.timeMs = nowMs;
        t.comment = tr("%1% of the last %2 evaluations changed state")
                        .arg(qRound(s.flapShare * 100))
                        .arg(kFlapEvaluations);
        record(t, &entry);
    } else if (s.flapping && s.flapShare < m_flapLow) {
        s.flapping = false;
        AlertTransition t;
        t.kind = TransitionKind::Settled;
        t.from = t.to = s.state;
        t.timeMs = nowMs;
        record(t, &entry);
    }
}

void AlertEngine::setState(Entry& entry, const AlertRule& rule, AlertState to, qint64 nowMs)
{
    AlertStatus& s = entry.status;
    AlertTransition t;
    t.kind = TransitionKind::State;
    t.from = s.state;
    t.to = to;
    t.timeMs = nowMs;
    t.value = s.value;
    t.threshold = rule.threshold;
    if (to == AlertState::NoData || to == AlertState::Error)
        t.comment = s.detail;
    s.state = to;
    s.sinceMs = nowMs;
    if (to == AlertState::Pending || (to == AlertState::Firing && s.activeSinceMs == 0))
        s.activeSinceMs = s.activeSinceMs ? s.activeSinceMs : nowMs;
    if (to == AlertState::Firing && !s.episodeFiring) {
        s.episodeFiring = true;
        s.firingSinceMs = nowMs;
    }
    qCDebug(lcAlertEngine) << s.key.toString() << alertStateName(t.from) << "->"
                           << alertStateName(to);
    record(t, &entry);
    if (to == AlertState::Normal) {
        const bool resolved = s.episodeFiring;
        s.episodeFiring = false;
        s.activeSinceMs = 0;
        s.firingSinceMs = 0;
        if (resolved && s.ack) {
            // The ack ends with the alert it acknowledged.
            s.ack.reset();
            AlertTransition u;
            u.kind = TransitionKind::Unack;
            u.from = u.to = AlertState::Normal;
            u.timeMs = nowMs;
            u.comment = tr("resolved");
            record(u, &entry);
        }
    }
    saveStatus(entry);
}

void AlertEngine::expireOverlays(Entry& entry, qint64 nowMs)
{
    AlertStatus& s = entry.status;
    if (s.ack && s.ack->untilMs > 0 && nowMs >= s.ack->untilMs) {
        s.ack.reset();
        AlertTransition t;
        t.kind = TransitionKind::Unack;
        t.from = t.to = s.state;
        t.timeMs = nowMs;
        t.comment = tr("expired");
        record(t, &entry);
        saveStatus(entry);
    }
    if (s.snooze && nowMs >= s.snooze->untilMs) {
        s.snooze.reset();
        AlertTransition t;
        t.kind = TransitionKind::Unsnooze;
        t.from = t.to = s.state;
        t.timeMs = nowMs;
        t.comment = tr("expired");
        record(t, &entry);
        saveStatus(entry);
    }
}

void AlertEngine::record(AlertTransition t, Entry* entry)
{
    if (entry) {
        t.rule = entry->status.key.rule;
        t.target = entry->status.key.target;
        t.severity = entry->status.severity;
        if (std::isnan(t.value))
            t.value = entry->status.value;
        if (std::isnan(t.threshold))
            t.threshold = entry->status.threshold;
    }
    if (m_store)
        t.id = m_store->appendTransition(t);
    m_history << t;
    if (m_history.size() > kMaxHistory)
        m_history.remove(0, m_history.size() - kMaxHistory);
    emit transition(t);
}

void AlertEngine::saveStatus(const Entry& entry)
{
    if (m_store)
        m_store->saveStatus(entry.status);
}

// An overlay change (ack, unack, snooze, unsnooze): one transition in the history, the status
// saved, views told.
void AlertEngine::recordOverlay(Entry& entry, TransitionKind kind, qint64 timeMs,
                                const QString& author, const QString& comment, qint64 untilMs)
{
    AlertTransition t;
    t.kind = kind;
    t.from = t.to = entry.status.state;
    t.timeMs = timeMs;
    t.author = author.isEmpty() ? defaultAuthor() : author;
    t.comment = comment;
    t.untilMs = untilMs;
    record(t, &entry);
    saveStatus(entry);
    emit alertsChanged();
}

bool AlertEngine::acknowledge(const AlertKey& key, const QString& author, const QString& comment,
                              qint64 untilMs)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end() || it->status.state == AlertState::Normal)
        return false;
    const qint64 now = m_clock->nowMs();
    const Acknowledgement ack{author.isEmpty() ? defaultAuthor() : author, comment, now, untilMs};
    it->status.ack = ack;
    if (m_store)
        m_store->appendAcknowledgement(key, ack);
    recordOverlay(*it, TransitionKind::Ack, now, ack.author, comment, untilMs);
    return true;
}

bool AlertEngine::unacknowledge(const AlertKey& key, const QString& author)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end() || !it->status.ack)
        return false;
    it->status.ack.reset();
    recordOverlay(*it, TransitionKind::Unack, m_clock->nowMs(), author, tr("withdrawn"), 0);
    return true;
}

bool AlertEngine::snooze(const AlertKey& key, qint64 durationMs, const QString& author,
                         const QString& comment)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end() || durationMs <= 0)
        return false;
    const qint64 now = m_clock->nowMs();
    const Snooze snooze{author.isEmpty() ? defaultAuthor() : author, comment, now,
                        now + durationMs};
    it->status.snooze = snooze;
    if (m_store)
        m_store->appendSnooze(key, snooze);
    recordOverlay(*it, TransitionKind::Snooze, now, snooze.author, comment, snooze.untilMs);
    return true;
}

bool AlertEngine::unsnooze(const AlertKey& key, const QString& author)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end() || !it->status.snooze)
        return false;
    it->status.snooze.reset();
    recordOverlay(*it, TransitionKind::Unsnooze, m_clock->nowMs(), author, tr("withdrawn"), 0);
    return true;
}

} // namespace ops
