#pragma once

#include <QString>
#include <QStringList>

namespace ops {

// A jump into a service's logs: an alert's minutes, a deploy's build, a chart's point. The
// window [startMs, endMs] oldest first; `types` narrows what Render is asked for (type=build for
// a deploy); `live` keeps tailing after the window (a deploy still building).
struct LogWindowRequest {
    qint64 startMs = 0;
    qint64 endMs = 0;
    QString why; // in words, for the title: "around 08:10:00 UTC (± 5 min): alert High latency"
    QStringList types;
    bool live = false;
};

} // namespace ops
