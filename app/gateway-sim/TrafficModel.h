#pragma once

#include "app/gateway-sim/MetricsWriter.h"
#include "app/gateway-sim/SimOptions.h"

#include <QByteArray>
#include <QJsonObject>

#include <array>
#include <map>
#include <random>
#include <vector>

namespace ops::sim {

// Traffic regime used while advancing the simulated clock.
struct TrafficRegime {
    double rps = 20.0;
    double meanLatencyS = 0.08;
    double errorRate = 0.02;
};

// The gateway's instrumentation: per-endpoint counters and latency histograms fed by
// seeded synthetic traffic (and by the requests the simulator really serves), plus the
// gauges and Python defaults of each dialect.
class TrafficModel {
public:
    static constexpr int kBucketCount = 15; // 14 default bounds + +Inf

    TrafficModel(Dialect dialect, quint64 seed, int endpointPaths, double nowS);

    // Simulates the requests that arrived between the last call and nowS.
    void advance(double nowS, const TrafficRegime& regime);
    // Records a request the simulator actually served.
    void record(const QByteArray& method, const QByteArray& path, int status, double seconds,
                double nowS);
    void recordWorkflowExecution(const QByteArray& type, const QByteArray& status, double nowS);
    void recordJobPosting(double nowS);
    // Every counter restarts from zero, as after a redeploy.
    void reset(double nowS);
    // The process_* families from the model itself (memory, CPU time, descriptors) instead of
    // this process's /proc and rusage: a replayed past (HistoryReplay) gives the same body for
    // the same time, whatever the simulator process did meanwhile.
    void setModelledProcess(bool modelled) { m_modelledProcess = modelled; }

    std::vector<MetricFamily> families(int activeWorkflows) const;
    QJsonObject jsonStub(int activeWorkflows) const;
    QJsonObject summary() const;

    double startTime() const { return m_startTime; }
    double totalRequests() const { return m_totalRequests; }
    double totalErrors() const { return m_totalErrors; }
    // Mean latency over everything observed since the start (seconds).
    double averageLatency() const;
    double recentErrorRate() const { return m_recentErrorRate; }
    int databaseConnections() const { return m_dbConnections; }
    double cpuPercent() const { return m_cpuPercent; }
    double memoryBytes() const { return m_memoryBytes; }

private:
    struct Endpoint {
        QByteArray path;
        QByteArray method;
        double latencyFactor = 1.0;
    };
    struct StatusCount {
        int status = 0;
        double count = 0.0;
        double created = 0.0;
    };
    struct ErrorCount {
        QByteArray type;
        double count = 0.0;
        double created = 0.0;
    };
    struct Series {
        QByteArray path;
        QByteArray method;
        double created = 0.0;
        std::array<double, kBucketCount> buckets{};
        double count = 0.0;
        double sum = 0.0;
        std::vector<StatusCount> statuses;
        std::vector<ErrorCount> errors;
    };
    struct Labeled {
        double count = 0.0;
        double created = 0.0;
    };

    void buildCatalog(int endpointPaths);
    void observe(const QByteArray& method, const QByteArray& path, int status, double seconds,
                 double atS);
    Series& seriesFor(const QByteArray& method, const QByteArray& path, double atS);
    void driftGauges(double dt, const TrafficRegime& regime);
    int sampleStatus(const Endpoint& e, double errorRate);
    std::vector<MetricFamily> processFamilies() const;
    // Each dialect's own families, after the process ones; active: the active workflows gauge.
    void appendPlanFamilies(std::vector<MetricFamily>& out, double active) const;
    void appendModularFamilies(std::vector<MetricFamily>& out, double active) const;
    MetricFamily modularErrorsFamily() const;
    void appendMonolithFamilies(std::vector<MetricFamily>& out) const;

    Dialect m_dialect;
    std::mt19937_64 m_rng;
    std::vector<Endpoint> m_catalog;
    std::discrete_distribution<size_t> m_pick;
    std::vector<Series> m_series;
    std::map<std::pair<QByteArray, QByteArray>, size_t> m_index;
    std::array<double, kBucketCount> m_allBuckets{};
    double m_allCount = 0.0;
    double m_allSum = 0.0;
    double m_allCreated = 0.0;
    std::map<std::pair<QByteArray, QByteArray>, Labeled> m_workflowExecutions;
    std::map<std::pair<QByteArray, QByteArray>, Labeled> m_monolithErrors;
    std::map<QByteArray, Labeled> m_resumes;
    Labeled m_jobPostings;
    std::vector<std::pair<QByteArray, QByteArray>> m_workflowOrder;

    double m_startTime = 0.0;
    double m_lastAdvance = 0.0;
    double m_totalRequests = 0.0;
    double m_totalErrors = 0.0;
    double m_recentErrorRate = 0.0;
    double m_gcCollected = 366.0;
    double m_memoryBytes = 4.123e8;
    double m_cpuPercent = 3.1;
    double m_cpuSeconds = 0.0; // the modelled process's CPU time (m_cpuPercent over time)
    bool m_modelledProcess = false;
    int m_dbConnections = 5;
    double m_activeUsers = 17.0;
    double m_matchRate = 0.82;
    double m_syntheticActiveWorkflows = 2.0;
};

} // namespace ops::sim
