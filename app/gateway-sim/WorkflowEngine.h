#pragma once

#include "app/gateway-sim/SimOptions.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <map>
#include <optional>
#include <random>
#include <vector>

namespace ops::sim {

struct WorkflowStep {
    QString stepId;
    QString name;
    QString status = QStringLiteral("pending");
    qint64 startedAtUs = 0;
    qint64 completedAtUs = 0;
    QString errorMessage;
    QJsonObject output;
};

struct Workflow {
    QString id;
    QString type;
    QString status;
    std::vector<WorkflowStep> steps;
    QJsonObject metadata;
    qint64 createdAtUs = 0;
    qint64 startedAtUs = 0;
    qint64 completedAtUs = 0;
    qint64 updatedAtUs = 0;
    int failAtStep = 0; // 1-based, 0 = never
    int failAttemptsLeft = 0;
    int stepMs = 500;
    bool running = false; // a run is in progress (independent of the reported status)
    quint64 runToken = 0;
};

// Workflows whose steps progress in the background on timers.
// plan: created, then started explicitly; cancel stops the run.
// modular: created and started at once; cancel only flips the status (the run goes on and
// may later report "completed", as the real gateway does).
class WorkflowEngine : public QObject {
    Q_OBJECT

public:
    enum class Result { Ok, NotFound, Conflict };

    WorkflowEngine(Dialect dialect, int stepMs, quint64 seed, QObject* parent = nullptr);

    QStringList types() const;
    // Returns the new id, or std::nullopt for an unknown type.
    std::optional<QString> create(const QString& type, const QJsonObject& metadata);
    Result start(const QString& id);
    Result cancel(const QString& id);
    Result trigger(const QString& id);

    const Workflow* find(const QString& id) const;
    QJsonObject toJson(const Workflow& wf) const;
    QJsonObject stepJson(const WorkflowStep& step) const;
    QJsonObject statusJson(const Workflow& wf) const;
    QJsonArray list(const QString& status, const QString& type, int limit) const;
    int activeCount() const;
    int count() const { return static_cast<int>(m_workflows.size()); }

    static QString isoTime(qint64 epochUs, bool withOffset);
    static qint64 nowUs();

signals:
    void workflowFinished(const QString& type, const QString& status);

private:
    void runNextStep(const QString& id, quint64 token);
    void finishStep(const QString& id, quint64 token, size_t index);
    QStringList stepNames(const QString& type) const;
    QJsonValue timeValue(qint64 us) const;

    Dialect m_dialect;
    int m_stepMs;
    std::mt19937_64 m_rng;
    std::map<QString, Workflow> m_workflows;
    std::vector<QString> m_order;
};

} // namespace ops::sim
