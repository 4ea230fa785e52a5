// libFuzzer target: decodeHealth on arbitrary bytes must neither crash, hang nor produce an
// inconsistent snapshot (ok without a reason-free decode, an error with ok set).
#include "models/health/HealthDecoder.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const ops::HealthDecodeResult r = ops::decodeHealth(body);
    if (r.ok != r.error.isEmpty())
        std::abort();
    if (!r.ok && !r.snapshot.components.isEmpty())
        std::abort();
    for (const ops::ComponentHealth& c : r.snapshot.components) {
        // Every component has a state the UI can colour; the name is what it shows.
        if (c.state != ops::HealthState::Healthy && c.state != ops::HealthState::Degraded &&
            c.state != ops::HealthState::Down)
            std::abort();
    }
    (void)ops::healthStateName(r.snapshot.overall);
    return 0;
}
