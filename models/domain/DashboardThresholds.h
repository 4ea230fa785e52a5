#pragma once

#include <cmath>

namespace ops {

enum class ThresholdLevel { Unknown, Ok, Warning, Critical };

// Where the dashboard's tiles turn amber or red. The defaults are the deployment plan's alert
// thresholds (average response time over 1 s, error rate over 5 % are critical); warnings sit at
// half of those. The alert rules can feed their own through Dashboard::setThresholds().
// A threshold that is NaN or <= 0 is off.
struct DashboardThresholds {
    double latencyAvgWarningSeconds = 0.5;
    double latencyAvgCriticalSeconds = 1.0;
    double errorRatioWarning = 0.025;
    double errorRatioCritical = 0.05;
    double memoryWarningBytes = 0;
    double memoryCriticalBytes = 0;

    static ThresholdLevel level(double value, double warning, double critical)
    {
        if (!std::isfinite(value))
            return ThresholdLevel::Unknown;
        if (critical > 0 && value > critical)
            return ThresholdLevel::Critical;
        if (warning > 0 && value > warning)
            return ThresholdLevel::Warning;
        return ThresholdLevel::Ok;
    }
    ThresholdLevel latencyLevel(double seconds) const
    {
        return level(seconds, latencyAvgWarningSeconds, latencyAvgCriticalSeconds);
    }
    ThresholdLevel errorLevel(double ratio) const
    {
        return level(ratio, errorRatioWarning, errorRatioCritical);
    }
    ThresholdLevel memoryLevel(double bytes) const
    {
        return level(bytes, memoryWarningBytes, memoryCriticalBytes);
    }
};

} // namespace ops
