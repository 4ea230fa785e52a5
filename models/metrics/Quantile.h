#pragma once

#include <span>

namespace ops {

struct HistogramBucket {
    double upperBound = 0; // "le"
    double count = 0;      // cumulative
};

// Prometheus's histogram_quantile over cumulative buckets sorted by upper bound, the last one
// +Inf: linear interpolation inside the bucket holding the rank; the first bucket starts at 0
// (unless its bound is <= 0); a rank in the +Inf bucket answers the highest finite bound;
// NaN when there are fewer than two buckets, no +Inf bucket or no observations; -Inf/+Inf for
// q < 0 / q > 1. Non-monotonic counts are made monotonic first, as Prometheus does.
double histogramQuantile(double q, std::span<const HistogramBucket> buckets);

} // namespace ops
