#pragma once

#include <QStringList>

// `bhiv-ops targets ...`: manage the saved targets from scripts.
//   list [--json] | add NAME --url URL [--api-key-stdin] [--read-only] [--dialect D]
//   [--interval S] [--allow-http] [--fingerprint HEX] [--replace] | remove NAME |
//   test NAME [--json] [--timeout S] | trust NAME --fingerprint HEX | untrust NAME |
//   set-key NAME (key on stdin) | export FILE | import FILE [--replace]
// Exit codes: 0 ok; 1 failed (unknown target, file error); 2 test: the gateway did not answer
// as it should; 3 usage; 4 test: authentication failed; 5 the keychain is unavailable.
int runTargetsCommand(const QStringList& arguments);
