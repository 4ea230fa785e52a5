#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace ops::sim {

struct SimOptions;

// Faults injected into the API routes plus the simulated traffic regime.
// Changed at run time through POST /__sim/faults (merge semantics).
class FaultState {
public:
    FaultState() = default;
    explicit FaultState(const SimOptions& options);

    // Merges a fault request. Returns false with *error set when the request is invalid; the
    // state is then left unchanged. *resetCounters is set when the request asks for a counter
    // reset.
    bool merge(const QJsonObject& request, QString* error, bool* resetCounters);
    void clear();
    QJsonObject toJson() const;

    // Whether route faults apply to this path (the "paths" prefix filter; empty = every route).
    bool appliesTo(const QString& path) const;

    int latencyMs() const { return m_latencyMs; }
    // Status line and headers at once, then the body trickled in chunks over this long.
    int slowBodyMs() const { return m_slowBodyMs; }
    int forceStatus() const { return m_forceStatus; }
    int retryAfter() const { return m_retryAfter; }
    bool hang() const { return m_hang; }
    bool malformed() const { return m_malformed; }
    double oversizedMb() const { return m_oversizedMb; }
    double meanLatencyS() const { return m_meanLatencyS; }
    double errorRate() const { return m_errorRate; }
    double rps() const { return m_rps; }
    // Component name -> "down" | "degraded" | any other word reported verbatim.
    const QMap<QString, QString>& components() const { return m_components; }
    // Modules left out of /system/modules (a deploy that came up without them).
    const QStringList& missingModules() const { return m_missingModules; }
    // Non-empty: faulted routes answer 302 to this URL prefix + the path (e.g. an https gateway
    // redirecting to plain http).
    const QString& redirectTo() const { return m_redirectTo; }
    // The gateways built on the real Python libraries have no re-run route: POST
    // /v1/workflows/{id}/trigger answers FastAPI's 404 {"detail": "Not Found"}.
    bool noRerunRoute() const { return m_noRerunRoute; }

    static bool isValidStatus(int status);

private:
    // The parts of merge(), each on the copy being built; false with *error on a bad value.
    bool mergeScalars(const QJsonObject& request, QString* error, bool* resetCounters);
    bool mergeComponents(const QJsonObject& request, QString* error);
    bool mergeLists(const QJsonObject& request, QString* error); // paths, missing_modules
    bool mergeRedirect(const QJsonObject& request, QString* error);

    double m_defaultMeanLatencyS = 0.08;
    double m_defaultErrorRate = 0.02;
    double m_defaultRps = 20.0;

    int m_latencyMs = 0;
    int m_slowBodyMs = 0;
    int m_forceStatus = 0;
    int m_retryAfter = -1;
    bool m_hang = false;
    bool m_malformed = false;
    bool m_noRerunRoute = false;
    double m_oversizedMb = 0.0;
    double m_meanLatencyS = 0.08;
    double m_errorRate = 0.02;
    double m_rps = 20.0;
    QMap<QString, QString> m_components;
    QStringList m_paths;
    QStringList m_missingModules;
    QString m_redirectTo;
};

} // namespace ops::sim
