#pragma once

// Where a target's history lives: <data>/history/<session id made safe for a file name>/, with
// <data> the console's AppDataLocation (~/.local/share/bhiv/BHIV Ops Console on Linux). The
// window and `bhiv-ops history export` find the same folder from the same session id (a saved
// target's TargetStore id, or "unsaved/<name>" for --url and --demo).

#include <QString>

namespace ops {

class TargetStore;

// The groups a TargetHistory writes: the target's signals, and the per-endpoint signals.
inline constexpr const char* kHistoryTargetGroup = "target";
inline constexpr const char* kHistoryEndpointsGroup = "endpoints";

// <AppDataLocation>/history
QString defaultHistoryRoot();
// root/<sessionId with every character outside [A-Za-z0-9._-] as '_', plus a short hash of the
// id so that "a/b" and "a_b" never share a folder>
QString historyFolderFor(const QString& root, const QString& sessionId);
// The history folder of a target the command line names: a saved target's (its TargetStore id;
// targets may be null), else an unsaved one's ("unsaved/<name>") when one was recorded. "" when
// neither: the name is unknown.
QString historyFolderOfTarget(const QString& root, const QString& name, const TargetStore* targets);

} // namespace ops
