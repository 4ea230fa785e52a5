#pragma once

#include <QStringList>

// `bhiv-ops status --url URL [--json] [--timeout SECONDS]`: one poll, printed.
// Exit 0 when up, 1 when degraded, 2 for any other state, 3 for a usage error.
int runStatusCommand(const QStringList& arguments);
