#pragma once

class QNetworkAccessManager;

namespace ops {

class AuditLog;
class ChainedSecretStore;
class Clock;

// What every target's parts share, made once at the composition root (or by a test) and
// outliving the fleet. Capabilities attached to a session reach it through session.context().
struct FleetContext {
    QNetworkAccessManager* network = nullptr;
    const Clock* clock = nullptr;
    // Secrets: this session's memory first, then the keychain. An unsaved target (--url,
    // --demo) reads only the memory layer: the keychain holds saved targets' keys.
    ChainedSecretStore* secrets = nullptr;
    // The audit log (may be null, or closed: then nothing is audited).
    AuditLog* audit = nullptr;
};

} // namespace ops
