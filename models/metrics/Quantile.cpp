#include "models/metrics/Quantile.h"

#include <cmath>
#include <limits>

namespace ops {

double histogramQuantile(double q, std::span<const HistogramBucket> buckets)
{
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    constexpr double kInf = std::numeric_limits<double>::infinity();
    if (std::isnan(q))
        return kNaN;
    if (q < 0)
        return -kInf;
    if (q > 1)
        return kInf;
    const std::size_t n = buckets.size();
    if (n < 2 || !std::isinf(buckets[n - 1].upperBound) || buckets[n - 1].upperBound < 0)
        return kNaN;
    // Monotonic view of the counts without copying: running maximum.
    auto countAt = [&](std::size_t i) {
        double m = buckets[0].count;
        for (std::size_t k = 1; k <= i; ++k)
            m = std::max(m, buckets[k].count);
        return m;
    };
    const double observations = countAt(n - 1);
    if (!(observations > 0))
        return kNaN;
    double rank = q * observations;
    std::size_t b = 0;
    double running = buckets[0].count;
    while (b < n - 1 && running < rank) {
        ++b;
        running = std::max(running, buckets[b].count);
    }
    if (b == n - 1)
        return buckets[n - 2].upperBound;
    if (b == 0 && buckets[0].upperBound <= 0)
        return buckets[0].upperBound;
    double bucketStart = 0;
    const double bucketEnd = buckets[b].upperBound;
    double count = running;
    if (b > 0) {
        const double below = countAt(b - 1);
        bucketStart = buckets[b - 1].upperBound;
        count -= below;
        rank -= below;
    }
    if (count <= 0)
        return bucketStart;
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

} // namespace ops
