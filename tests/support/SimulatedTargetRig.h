#pragma once

#include "models/domain/Clock.h"
#include "models/domain/Target.h"
#include "models/fleet/FleetContext.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "tests/support/SimulatorProcess.h"

#include <QNetworkAccessManager>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace ops::test {

// What the suites that watch the real simulator through sessions and fleets share: the
// simulator, a temporary folder, the network, the system clock and this session's secrets (the
// memory layer first, then a memory stand-in for the keychain, whose real test is secrets_),
// chained as the console chains them. Started once in initTestCase; the simulator stops with it.
// Header-only: every suite that uses it links ops_fleet (and so ops_secrets) already.
class SimulatedTargetRig {
public:
    SimulatedTargetRig() = default;
    SimulatedTargetRig(const SimulatedTargetRig&) = delete;
    SimulatedTargetRig& operator=(const SimulatedTargetRig&) = delete;

    // The temporary folder, then the simulator with these arguments; false with error().
    bool start(const QStringList& simArgs)
    {
        if (!dir.isValid()) {
            m_error = QStringLiteral("no temporary folder: ") + dir.errorString();
            return false;
        }
        if (!sim.start(simArgs)) {
            m_error = sim.error();
            return false;
        }
        return true;
    }
    QString error() const { return m_error; }

    // Lifts the Render stub's request limit, so a suite's many reads are never throttled;
    // returns the control route's HTTP status.
    int liftRenderRateLimit()
    {
        return sim.post(QStringLiteral("/__sim/render"), R"({"rate_limit": {"limit": 100000}})");
    }

    QUrl url() const { return sim.url(); }
    // The simulator's Render API stub.
    QUrl renderApi() const { return sim.url().resolved(QUrl(QStringLiteral("/render/v1"))); }
    QString filePath(const QString& name) const { return dir.filePath(name); }

    // What a Fleet or a TargetSession is given (no audit log).
    FleetContext context() { return {&network, &clock, &secrets, nullptr}; }

    // A target on the simulator, polled every intervalMs.
    Target target(const QString& name, int intervalMs = 1000) const
    {
        Target t;
        t.name = name;
        t.baseUrl = sim.url();
        t.intervalMs = intervalMs;
        return t;
    }
    // The simulator's Render stub as a target's Render service (REST API).
    RenderService renderService(const QString& serviceId) const
    {
        RenderService render;
        render.restApi = true;
        render.serviceId = serviceId;
        render.apiBaseUrl = renderApi();
        return render;
    }

    // Destroyed in reverse order: the secrets first, the simulator last.
    SimulatorProcess sim;
    QTemporaryDir dir;
    QNetworkAccessManager network;
    SystemClock clock;
    MemorySecretStore sessionSecrets;
    MemorySecretStore keychainSecrets;
    ChainedSecretStore secrets{&sessionSecrets, &keychainSecrets};

private:
    QString m_error;
};

} // namespace ops::test
