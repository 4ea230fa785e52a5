#pragma once

#include "app/cli/CliCommand.h"
#include "models/domain/Target.h"
#include "models/secrets/SecretStore.h"
#include "models/targets/TargetStore.h"

namespace ops {

// `bhiv-ops targets ACTION ...`: manage the saved targets from scripts.
//   list [--json] | add NAME --url URL [--api-key-stdin] [--read-only] [--dialect D]
//   [--interval S] [--allow-http] [--fingerprint HEX] [--replace] | remove NAME |
//   test NAME [--json] [--timeout S] | trust NAME --fingerprint HEX [--for WHAT] |
//   untrust NAME [--for WHAT] | confirm NAME [--for WHAT] |
//   set-key NAME [--for WHAT] (key on stdin) | set-webhook (URL on stdin) | export FILE|- | import
//   FILE|- [--replace]
// Exit codes: the table of CliCommand (test: 2 not answering as it should, 4 key refused).
class TargetsCommand : public CliCommand {
public:
    TargetsCommand();

protected:
    int execute() override;

private:
    int list();
    int add(const QString& name);
    int setKey(const QString& name);
    int setWebhook();
    int remove(const QString& name);
    int trust(const QString& name, bool trusted);
    bool certificateSeen(const QString& name, const QString& what, const QByteArray& fingerprint,
                         CliFailure* failure);
    int test(const QString& name);
    int confirm(const QString& name);
    int exportTo(const QString& path);
    int importFrom(const QString& path);

    // add: the target the options describe (over the saved one with --replace).
    std::optional<Target> targetFromOptions(const QString& name, CliFailure* failure) const;
    std::optional<Target> existing(const QString& name, CliFailure* failure) const;
    // Reloads the file under its lock, applies change, saves (TargetStore::update).
    bool update(const std::function<bool(TargetStore&, QString*)>& change, CliFailure* failure);
    int keychainFailure(const SecretResult& result, const QString& what);

    TargetStore m_store;
};

} // namespace ops
