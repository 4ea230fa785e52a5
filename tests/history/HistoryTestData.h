#pragma once

// Deterministic frames shared by the history tests and their child process.

#include "models/history/HistoryStore.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace ops::historytest {

constexpr qint64 kStart = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr int kSeries = 5;

inline std::string seriesName(int s)
{
    return "bhiv_test_signal{n=\"" + std::to_string(s) + "\"}";
}

// Every kind of value: smooth, a counter with resets, NaN gaps, ±Inf, constants.
inline double valueAt(int i, int s)
{
    switch (s) {
    case 0:
        return std::sin(i * 0.01) * 100.0;
    case 1:
        return double((i * 37) % 1000); // a counter reset every ~27 polls
    case 2:
        return i % 11 == 0 ? std::numeric_limits<double>::quiet_NaN() : i * 0.001;
    case 3:
        return i % 97 == 0 ? std::numeric_limits<double>::infinity() : 42.0;
    default:
        return 1.0 / (1 + i);
    }
}

inline HistoryFrame frameAt(int i, qint64 stepMs = 1000)
{
    HistoryFrame f;
    f.group = "target";
    f.timeMs = kStart + i * stepMs;
    for (int s = 0; s < kSeries; ++s)
        f.values.push_back({seriesName(s), valueAt(i, s)});
    return f;
}

inline bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace ops::historytest
