// libFuzzer target: every metrics entry point on arbitrary bytes must neither crash, hang, nor
// allocate without bound. The first byte picks the format; the rest is the body.
#include "models/metrics/Gzip.h"
#include "models/metrics/MetricsParser.h"
#include "models/metrics/MetricsText.h"
#include "models/metrics/SignalBoard.h"
#include "models/metrics/SignalDeriver.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const auto format = static_cast<ops::MetricsFormat>(data[0] % 3);
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

    // The allocating façade (format detection, gzip, JSON stub, rejection).
    (void)ops::detectMetricsFormat(body, "");
    const ops::MetricsParseResult r = ops::parseMetrics(body, format);
    if (r.firstErrors.size() > ops::MetricsLimits::kMaxReportedErrors)
        std::abort();
    for (const auto& s : r.samples) {
        // Text formats report validated names only (JSON stub keys are taken as they are).
        if (format != ops::MetricsFormat::JsonStub && !ops::isValidMetricName(s.name))
            std::abort();
    }

    // The deriver, twice (the second scrape takes the known-series fast path), each frame onto
    // a board.
    static std::unique_ptr<ops::SignalDeriver> deriver;
    static std::unique_ptr<ops::SignalBoard> board;
    static int scrapes = 0;
    if (!deriver || ++scrapes % 1000 == 0) {
        ops::SignalDeriverConfig cfg;
        cfg.rawStore.fullResolutionPoints = 64;
        cfg.rawStore.levels = {{8, 8}};
        cfg.rawStore.maxSeries = 500;
        cfg.maxEndpoints = 50;
        deriver = std::make_unique<ops::SignalDeriver>(cfg);
        ops::SeriesStoreConfig signalStore = ops::SeriesStoreConfig::signalsForADay();
        signalStore.fullResolutionPoints = 64;
        signalStore.levels = {{8, 8}};
        board = std::make_unique<ops::SignalBoard>(signalStore);
    }
    static qint64 now = 0;
    for (int twice = 0; twice < 2; ++twice) {
        now += 1000;
        if (deriver->ingest(now, body, format).ok)
            board->applyFrame(deriver->scrapeFrame(now));
    }
    std::vector<ops::StorePoint> pts;
    board->signalStore().decimate(board->signalSeries(ops::SignalId::RequestRate), 0, now, 7, pts);

    // Gzip on its own with a small cap.
    std::string out;
    (void)ops::decodeGzip(body, out, 1 << 16);
    return 0;
}
