#pragma once

#include <QString>
#include <QStringList>

#include <optional>

class QCoreApplication;

namespace ops::sim {

enum class Dialect { Plan, Modular, Monolith };

QString dialectName(Dialect dialect);

// Everything the command line can set. Fault flags seed the initial FaultState.
struct SimOptions {
    Dialect dialect = Dialect::Plan;
    quint16 port = 8000;
    quint64 seed = 1;
    int endpoints = 12;
    int stepMs = 500;
    double rps = 20.0;
    int rateLimit = 60;
    QString apiKey = QStringLiteral("sim-key");
    bool apiKeyGiven = false;
    // Start-up faults / regime.
    int latencyMs = 0;
    int slowBodyMs = 0;
    int forceStatus = 0;
    int retryAfter = -1;
    bool hang = false;
    bool malformed = false;
    double oversizedMb = 0.0;
    double meanLatencyS = 0.08;
    double errorRate = 0.02;
    QStringList componentsDown;
    QStringList componentsDegraded;
    // HTTPS: PEM certificate and private key (both, or neither).
    QString tlsCertFile;
    QString tlsKeyFile;
    // Render API stub (/render/v1/...): stage duration, Bearer key and deploy hook key.
    int deployStageMs = 2000;
    QString renderApiKey = QStringLiteral("rnd-sim-key");
    QString renderHookKey = QStringLiteral("hook-sim-key");
    double logRate = 4.0; // synthetic requests logged per second
    // --history: the live traffic continues the replayed past (GET /metrics?at=T, HistoryReplay)
    // instead of starting afresh, so a console that backfilled a day sees its counters and
    // process go on, with no restart between the past and the first live scrape.
    bool history = false;

    // Parses the application's arguments; on --help/--version the parser exits the process.
    // Returns std::nullopt and fills *error on invalid input.
    static std::optional<SimOptions> parse(const QCoreApplication& app, QString* error);
};

} // namespace ops::sim
