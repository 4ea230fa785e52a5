#pragma once

#include <QByteArray>

#include <utility>
#include <vector>

namespace ops::sim {

enum class MetricType { Counter, Gauge, Histogram };

using MetricLabels = std::vector<std::pair<QByteArray, QByteArray>>;

// One labelled child of a family. Counters and gauges use value; histograms use
// cumulativeBuckets (one per bound, +Inf last), count and sum. created < 0 means "no _created".
struct MetricSeries {
    MetricLabels labels;
    double value = 0.0;
    std::vector<double> cumulativeBuckets;
    double count = 0.0;
    double sum = 0.0;
    double created = -1.0;
};

// A metric family as prometheus_client collects it. For counters, name is the base name
// without "_total" (prometheus_client strips it).
struct MetricFamily {
    QByteArray name;
    QByteArray help;
    MetricType type = MetricType::Gauge;
    std::vector<double> bucketBounds; // histograms, +Inf excluded
    std::vector<MetricSeries> series;
};

// Formats families byte for byte the way prometheus_client 0.16 does.
class MetricsWriter {
public:
    // Python's repr() of a float ("43.0", "1e-05", "1e+16").
    static QByteArray pythonRepr(double value);
    // prometheus_client's floatToGoString (Go-style exponents for large values, "+Inf").
    static QByteArray goString(double value);

    static QByteArray prometheusText(const std::vector<MetricFamily>& families);
    static QByteArray openMetrics(const std::vector<MetricFamily>& families);

    static const std::vector<double>& defaultBuckets();
};

} // namespace ops::sim
