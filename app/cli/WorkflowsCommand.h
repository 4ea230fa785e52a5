#pragma once

#include <QStringList>

// `bhiv-ops workflows VERB ...`, for scripts:
//   workflows list --url URL [--status S] [--type T] [--json]
//   workflows launch TYPE --url URL --metadata JSON [--wait] [--api-key-stdin] [--json]
//   workflows status ID --url URL [--json]
//   workflows cancel ID --url URL
//   workflows rerun ID --url URL [--wait]
// Exit 0 on success (with --wait: the workflow completed), 1 when the followed workflow failed
// or was cancelled, 2 on errors (gateway, network, no workflow API, read-only), 3 on usage.
// arguments: the whole command line (program, "workflows", verb, ...).
int runWorkflowsCommand(const QStringList& arguments);
// The same, with its own QCoreApplication: what main() calls.
int runWorkflowsMain(int argc, char** argv);
