#pragma once

#include <atomic>
#include <cstddef>

namespace ops::bench {

// Counts every global operator new in the process (defined in AllocationCounter.cpp).
std::size_t allocationCount();

} // namespace ops::bench
