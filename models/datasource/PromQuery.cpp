#include "models/datasource/PromQuery.h"

#include <QRegularExpression>

namespace ops {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

QString instanceModeName(InstanceMode mode)
{
    return mode == InstanceMode::SideBySide ? QStringLiteral("side_by_side")
                                            : QStringLiteral("aggregate");
}

bool instanceModeFromName(const QString& name, InstanceMode* out)
{
    if (name == u"aggregate" || name.isEmpty())
        *out = InstanceMode::Aggregate;
    else if (name == u"side_by_side")
        *out = InstanceMode::SideBySide;
    else
        return false;
    return true;
}

QString promQuoted(const QString& value)
{
    QString out;
    out.reserve(value.size() + 2);
    out += u'"';
    for (const QChar c : value) {
        if (c == u'\\' || c == u'"')
            out += u'\\';
        if (c == u'\n') {
            out += QStringLiteral("\\n");
            continue;
        }
        out += c;
    }
    out += u'"';
    return out;
}

std::optional<PromSelector> PromSelector::parse(const QString& text, QString* error)
{
    const auto fail = [error](const QString& why) -> std::optional<PromSelector> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QString s = text.trimmed();
    if (s.startsWith(u'{')) {
        if (!s.endsWith(u'}'))
            return fail(QStringLiteral("the selector opens '{' but does not close it"));
        s = s.mid(1, s.size() - 2);
    }
    QStringList out;
    qsizetype i = 0;
    const auto skipSpace = [&] {
        while (i < s.size() && s.at(i).isSpace())
            ++i;
    };
    static const QRegularExpression nameRe(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"));
    while (true) {
        skipSpace();
        if (i >= s.size())
            break;
        const QRegularExpressionMatch m = nameRe.match(
            s, i, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return fail(QStringLiteral("expected a label name at position %1").arg(i + 1));
        const QString name = m.captured(0);
        i += name.size();
        skipSpace();
        QString op;
        for (const char* candidate : {"=~", "!~", "!=", "="}) {
            const QString c = QString::fromLatin1(candidate);
            if (s.mid(i, c.size()) == c) {
                op = c;
                break;
            }
        }
        if (op.isEmpty())
            return fail(QStringLiteral("expected =, !=, =~ or !~ after %1").arg(name));
        i += op.size();
        skipSpace();
        if (i >= s.size() || s.at(i) != u'"')
            return fail(QStringLiteral("the value of %1 must be in double quotes").arg(name));
        ++i;
        QString value;
        bool closed = false;
        while (i < s.size()) {
            const QChar c = s.at(i++);
            if (c == u'\\') {
                if (i >= s.size())
                    break;
                const QChar e = s.at(i++);
                value += e == u'n' ? QChar(u'\n') : e;
                continue;
            }
            if (c == u'"') {
                closed = true;
                break;
            }
            value += c;
        }
        if (!closed)
            return fail(QStringLiteral("the value of %1 is not closed").arg(name));
        if (op.endsWith(u'~') && !QRegularExpression(value).isValid())
            return fail(QStringLiteral("the regular expression of %1 is not valid").arg(name));
        out << name + op + promQuoted(value);
        skipSpace();
        if (i < s.size()) {
            if (s.at(i) != u',')
                return fail(
                    QStringLiteral("expected ',' between matchers at position %1").arg(i + 1));
            ++i;
        }
    }
    if (out.isEmpty())
        return fail(QStringLiteral("the selector needs at least one matcher, e.g. "
                                   "job=\"bhiv-gateway\""));
    PromSelector selector;
    selector.m_matchers = out.join(u',');
    return selector;
}

QString PromSelector::braced(const QString& extra) const
{
    return u'{' + m_matchers + (extra.isEmpty() ? QString() : u',' + extra) + u'}';
}

std::optional<PromSelector> PromSelector::withMatcher(const QString& label,
                                                      const QString& value) const
{
    static const QRegularExpression nameRe(QStringLiteral("\\A[A-Za-z_][A-Za-z0-9_]*\\z"));
    if (!nameRe.match(label).hasMatch())
        return std::nullopt;
    PromSelector narrowed = *this;
    narrowed.m_matchers += u',' + label + u'=' + promQuoted(value);
    return narrowed;
}

QString promQueryFor(SignalId signal, const MetricsMapping& m, const PromSelector& selector,
                     const PromQueryOptions& options)
{
    const QString by = options.mode == InstanceMode::SideBySide
                           ? QStringLiteral(" by (%1)").arg(options.instanceLabel)
                           : QString();
    const QString byLe = options.mode == InstanceMode::SideBySide
                             ? QStringLiteral(" by (le,%1)").arg(options.instanceLabel)
                             : QStringLiteral(" by (le)");
    const QString window = QStringLiteral("[%1s]").arg(options.rateWindowSeconds);
    const QString sel = selector.braced();
    const auto sumRate = [&](const QString& metric, const QString& extra = {}) {
        return QStringLiteral("sum%1(rate(%2%3%4))")
            .arg(by, metric, selector.braced(extra), window);
    };
    const auto sumOf = [&](const std::string& gauge) {
        return QStringLiteral("sum%1(%2%3)").arg(by, q(gauge), sel);
    };
    const QString histogram = q(m.latencyHistogram);
    // Requests: the counter, or the latency histogram's count where none is exported.
    const bool requestsFromHistogram =
        m.dialect == Dialect::Monolith || (m.requestsCounter.empty() && !histogram.isEmpty());
    const QString requests = requestsFromHistogram
                                 ? (histogram.isEmpty() ? QString() : sumRate(histogram + "_count"))
                                 : sumRate(q(m.requestsCounter));
    QString errors;
    if (!m.errorsCounter.empty()) {
        errors = sumRate(q(m.errorsCounter),
                         m.errorsLabel.empty()
                             ? QString()
                             : q(m.errorsLabel) + u'=' + promQuoted(q(m.errorsLabelValue)));
    } else if (!m.statusLabel.empty() && !m.requestsCounter.empty()) {
        errors = sumRate(q(m.requestsCounter), q(m.statusLabel) + QStringLiteral("=~\"5..\""));
    }
    // No error series at all is zero errors while requests flow (as the direct scrape counts).
    const QString errorsOrZero = errors.isEmpty() || requests.isEmpty()
                                     ? QString()
                                     : QStringLiteral("(%1 or 0 * %2)").arg(errors, requests);
    const auto quantile = [&](double level) {
        if (histogram.isEmpty())
            return QString();
        return QStringLiteral("histogram_quantile(%1, sum%2(rate(%3_bucket%4%5)))")
            .arg(QString::number(level), byLe, histogram, sel, window);
    };
    switch (signal) {
    case SignalId::RequestRate:
        return requests;
    case SignalId::ErrorRate:
        return errorsOrZero;
    case SignalId::ErrorRatio:
        return errorsOrZero.isEmpty() ? QString()
                                      : QStringLiteral("%1 / %2").arg(errorsOrZero, requests);
    case SignalId::LatencyAvg:
        if (!m.latencyGauge.empty())
            return QStringLiteral("avg%1(%2%3)").arg(by, q(m.latencyGauge), sel);
        if (histogram.isEmpty())
            return {};
        return QStringLiteral("%1 / %2").arg(sumRate(histogram + "_sum"),
                                             sumRate(histogram + "_count"));
    case SignalId::LatencyP50:
        return quantile(0.5);
    case SignalId::LatencyP95:
        return quantile(0.95);
    case SignalId::LatencyP99:
        return quantile(0.99);
    case SignalId::ActiveWorkflows:
        return m.activeWorkflowsGauge.empty() ? QString() : sumOf(m.activeWorkflowsGauge);
    case SignalId::WorkflowRate:
        return m.workflowExecutionsCounter.empty() ? QString()
                                                   : sumRate(q(m.workflowExecutionsCounter));
    case SignalId::MemoryBytes:
        return m.memoryGauge.empty() ? QString() : sumOf(m.memoryGauge);
    case SignalId::CpuPercent:
        if (!m.cpuPercentGauge.empty())
            return sumOf(m.cpuPercentGauge);
        if (m.cpuSecondsCounter.empty())
            return {};
        return QStringLiteral("100 * %1").arg(sumRate(q(m.cpuSecondsCounter)));
    case SignalId::Connections:
        return m.connectionsGauge.empty() ? QString() : sumOf(m.connectionsGauge);
    case SignalId::Count:
        break;
    }
    return {};
}

SignalId endpointSignalAs(EndpointSignal signal)
{
    switch (signal) {
    case EndpointSignal::RequestRate:
        return SignalId::RequestRate;
    case EndpointSignal::ErrorRate:
        return SignalId::ErrorRate;
    case EndpointSignal::LatencyAvg:
        return SignalId::LatencyAvg;
    case EndpointSignal::P50:
        return SignalId::LatencyP50;
    case EndpointSignal::P95:
        return SignalId::LatencyP95;
    case EndpointSignal::P99:
    case EndpointSignal::Count:
        break;
    }
    return SignalId::LatencyP99;
}

QString promEndpointQueryFor(SignalId signal, const MetricsMapping& mapping,
                             const PromSelector& selector, const PromQueryOptions& options)
{
    bool perEndpoint = false;
    for (std::size_t i = 0; i < kEndpointSignalCount; ++i)
        perEndpoint = perEndpoint || endpointSignalAs(static_cast<EndpointSignal>(i)) == signal;
    if (!perEndpoint)
        return {};
    // An error counter of its own may lack the endpoint label (the monolith's counts by
    // service): no `or 0 * requests` fallback here, which would show such endpoints as
    // error-free; an endpoint without error series reads unknown instead.
    if (signal == SignalId::ErrorRate && !mapping.errorsCounter.empty()) {
        const QString by = options.mode == InstanceMode::SideBySide
                               ? QStringLiteral(" by (%1)").arg(options.instanceLabel)
                               : QString();
        const QString extra =
            mapping.errorsLabel.empty()
                ? QString()
                : q(mapping.errorsLabel) + u'=' + promQuoted(q(mapping.errorsLabelValue));
        return QStringLiteral("sum%1(rate(%2%3[%4s]))")
            .arg(by, q(mapping.errorsCounter), selector.braced(extra),
                 QString::number(options.rateWindowSeconds));
    }
    MetricsMapping histogramOnly = mapping;
    histogramOnly.latencyGauge.clear();
    return promQueryFor(signal, histogramOnly, selector, options);
}

} // namespace ops
