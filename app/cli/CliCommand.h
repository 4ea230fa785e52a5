#pragma once

#include "models/domain/Target.h"
#include "models/secrets/SecretStore.h"

#include <QByteArray>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

class QEventLoop;
class QIODevice;

namespace ops {

// One exit-code table for every verb (README "Exit codes", and every verb's --help).
enum class ExitCode : int {
    Ok = 0,          // done; the check passed
    CheckFailed = 1, // ran, and what was checked failed (a degraded gateway, a failed workflow)
    CouldNotRun = 2, // could not do it: unreachable gateway, no such workflow API, a file error
    Usage = 3,       // the command line is wrong (unknown verb or option, bad value, no target)
    Auth = 4,        // the gateway or Render refused the key
    Keychain = 5,    // the OS keychain is unavailable, locked or refused
};

// The table as --help prints it.
QString exitCodeHelp();
// The error code word of an exit code in {"error": {"code", ...}}.
QString exitCodeName(ExitCode code);

// Why a verb stopped, as a value: a verb returns fail(failure).
struct CliFailure {
    ExitCode exit = ExitCode::CouldNotRun;
    QString code;    // machine word: usage, not_found, connection_refused, ...
    QString message; // one sentence for a person
};

// A gateway URL typed by a person: "https://host[:port][/base]" or "host[:port]" (http is
// assumed, as a browser would). nullopt with *error in words for anything else: another scheme,
// no host, a port outside 1-65535.
std::optional<QUrl> parseGatewayUrl(const QString& text, QString* error);

// The gateway a verb talks to: a saved target (--target NAME, its key from the keychain) or an
// unsaved one from --url (with --allow-http and --dialect); --api-key-stdin either way.
struct CliGateway {
    Target target; // the saved target, or an unsaved one for the URL
    bool saved = false;
    QByteArray apiKey;
    int timeoutMs = 15000;

    // For messages and the audit log: the target's name, or its URL without user info.
    QString displayName() const;
};

// The base of every verb (status, parse, targets, workflows, verify, deploy): it owns the
// option parser (with --help, -v and, when asked, --json), reads secrets from stdin (a no-echo
// prompt on a terminal), writes output (stdout, a file or "-", with write errors reported),
// turns failures into the exit-code table and {"error": {"code", "message"}} with --json, and
// runs the event loop. A verb adds its options in its constructor and implements execute().
class CliCommand {
public:
    CliCommand(QString verb, QString description);
    virtual ~CliCommand();
    CliCommand(const CliCommand&) = delete;
    CliCommand& operator=(const CliCommand&) = delete;

    // arguments: the whole command line (program, verb, ...). Needs a QCoreApplication.
    int run(const QStringList& arguments);

    QString verb() const { return m_verb; }

protected:
    virtual int execute() = 0;

    // Options. addJsonOption adds --json ("print JSON; errors as {"error": ...}").
    void addOption(const QCommandLineOption& option) { m_parser.addOption(option); }
    void addOptions(const QList<QCommandLineOption>& options) { m_parser.addOptions(options); }
    void addJsonOption(const QString& description = {});
    void setSyntax(const QString& syntax); // "targets ACTION [NAME]", shown in --help
    const QCommandLineParser& parser() const { return m_parser; }
    bool isSet(const QString& name) const { return m_parser.isSet(name); }
    QString value(const QString& name) const { return m_parser.value(name); }
    // The positional arguments after the verb.
    QStringList positional() const;
    bool json() const { return m_json; }
    bool verbose() const { return m_verbose; }

    // The options of every verb that talks to a gateway: --url, --target, --api-key-stdin,
    // --allow-http, --dialect and --timeout (default defaultTimeoutS seconds).
    void addGatewayOptions(double defaultTimeoutS);
    // The gateway those options name; nullopt with a usage failure (neither or both of --url
    // and --target, a bad URL, an unknown target), a keychain failure, or a file error.
    std::optional<CliGateway> resolveGateway(CliFailure* failure);

    // A number of seconds in [min, max] from an option (its default when not set); a usage
    // failure names the option and the range.
    std::optional<double> secondsOption(const QString& name, double min, double max,
                                        CliFailure* failure) const;
    // A whole number in [min, max].
    std::optional<int> intOption(const QString& name, int min, int max, CliFailure* failure) const;
    std::optional<double> numberOption(const QString& name, double min, double max,
                                       CliFailure* failure) const;

    // Output. Text to stdout as is (UTF-8); JSON compact with a newline.
    void print(const QString& text);
    void printJson(const QJsonValue& value);
    // A line to stderr, "bhiv-ops VERB: text".
    void printError(const QString& text) const;
    // A note for a person (progress, hints): stderr, never mixed into --json stdout.
    void note(const QString& text) const;
    // Reports a failure (stderr; with --json also {"error": {...}} on stdout) and returns its
    // exit code.
    int fail(const CliFailure& failure);
    int fail(ExitCode exit, const QString& message, const QString& code = {});

    // Files, where "-" means stdin / stdout.
    bool readInput(const QString& path, QByteArray* data, CliFailure* failure) const;
    bool writeOutput(const QString& path, const QByteArray& data, CliFailure* failure);

    // A secret from stdin: the next line, trimmed. On a terminal, prompt (on stderr) without
    // echo. Empty when there is none.
    QByteArray readSecret(const QString& prompt);

    // The event loop: runs until done() holds (checked at the start and whenever quitLoop() is
    // called) or timeoutMs passes (-1: no limit). False on timeout.
    bool waitUntil(const std::function<bool()>& done, int timeoutMs = -1);
    void quitLoop();

private:
    bool parse(const QStringList& arguments);

    QString m_verb;
    QString m_syntax;
    QCommandLineParser m_parser;
    QCommandLineOption m_verboseOption;
    bool m_hasJsonOption = false;
    bool m_json = false;
    bool m_verbose = false;
    bool m_writeFailed = false;
    QEventLoop* m_loop = nullptr;
};

// A saved target's secret from the keychain, given out only for the origin it was entered for
// (OriginBoundSecretStore, docs/security.md): OriginChanged (errorText names both origins) when
// the target now points elsewhere. destinationOrigin: where the caller will send it, when that
// is not where the saved target says (deploy --render-api); empty: the target's own.
SecretResult readTargetSecretSync(const Target& target, const QString& key,
                                  const QString& destinationOrigin = {});
// The failure of a secret withheld because its origin changed: exit 4 (auth), code
// origin_changed, and what to do (targets confirm, or enter it again: reenter says how; empty:
// bhiv-ops targets set-key NAME).
CliFailure originChangedFailure(const QString& targetName, const QString& label,
                                const SecretResult& result, const QString& reenter = {});

// Quiet by default: the ops.* log categories speak only with -v (QT_LOGGING_RULES still wins),
// and Qt's warning about a missing XDG_RUNTIME_DIR is not shown.
void configureCliLogging(bool verbose);

// A problem with the command line or the start, for the person who typed it: "bhiv-ops: text" on
// stderr, whatever the logging rules say.
void printProblem(const QString& text);
// A verb's problem: "bhiv-ops VERB: text" on stderr (what CliCommand::printError writes).
void printVerbProblem(const QString& verb, const QString& text);

} // namespace ops
