// Helper process for the history tests:
//   ops-history-child write DIR FLUSH_EVERY   appends frames forever, "flushed <i>" after each
//   flush ops-history-child hold DIR                 opens, prints "mode rw|ro <reason>", waits for
//   stdin EOF ops-history-child mode DIR                 opens, prints the mode line, exits

#include "tests/history/HistoryTestData.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

using namespace ops;
using namespace ops::historytest;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    const std::string verb = argv[1];
    ManualClock clock(kStart);
    HistoryOptions options;
    options.rawBlockMs = 60'000;
    options.rawSegmentMs = 5 * 60'000;
    options.rollupBlockMs = 10 * 60'000;
    HistoryStore store(QString::fromLocal8Bit(argv[2]), &clock, options);
    if (!store.open()) {
        std::printf("error %s\n", qPrintable(store.modeReason()));
        return 1;
    }
    std::printf("mode %s %s\n", store.mode() == HistoryMode::ReadWrite ? "rw" : "ro",
                qPrintable(store.modeReason()));
    std::fflush(stdout);
    if (verb == "mode") {
        std::size_t points = 0;
        for (const HistoryBlock& b : store.read(HistoryKind::Raw, "target", 0, kStart * 2))
            points += b.times.size();
        std::printf("points %zu\n", points);
        return 0;
    }
    if (verb == "hold") {
        std::string line;
        while (std::getline(std::cin, line)) {
        }
        return 0;
    }
    const int flushEvery = argc > 3 ? std::atoi(argv[3]) : 10;
    for (int i = 0;; ++i) {
        clock.setMs(kStart + i * 1000);
        store.append(frameAt(i));
        if ((i + 1) % flushEvery == 0) {
            store.flush();
            std::printf("flushed %d\n", i);
            std::fflush(stdout);
        }
    }
}
