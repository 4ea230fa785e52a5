#include "models/domain/Clock.h"

#include <QDateTime>

namespace ops {

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace ops
