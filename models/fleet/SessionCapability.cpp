#include "models/fleet/SessionCapability.h"

namespace ops {

SessionCapability::SessionCapability(TargetSession& session)
    : m_session(session)
{
}

SessionCapability::~SessionCapability() = default;

} // namespace ops
