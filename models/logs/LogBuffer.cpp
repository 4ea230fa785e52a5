#include "models/logs/LogBuffer.h"

#include <algorithm>

namespace ops {

LogBuffer::LogBuffer(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(1, capacity))
{
}

const LogLine& LogBuffer::at(qsizetype i) const
{
    return m_ring[static_cast<size_t>((m_head + i) % static_cast<qsizetype>(m_ring.size()))];
}

qsizetype LogBuffer::append(LogLine line)
{
    m_bytes += line.approximateBytes();
    ++m_endSeq;
    if (static_cast<qsizetype>(m_ring.size()) < m_capacity) {
        // Still growing: the ring is in order from index 0.
        m_ring.push_back(std::move(line));
        ++m_size;
        return 0;
    }
    LogLine& oldest = m_ring[static_cast<size_t>(m_head)];
    m_bytes -= oldest.approximateBytes();
    oldest = std::move(line);
    m_head = (m_head + 1) % m_capacity;
    ++m_dropped;
    return 1;
}

void LogBuffer::setCapacity(qsizetype capacity)
{
    capacity = std::max<qsizetype>(1, capacity);
    if (capacity == m_capacity) {
        return;
    }
    std::vector<LogLine> kept;
    const qsizetype keep = std::min(m_size, capacity);
    kept.reserve(static_cast<size_t>(keep));
    m_bytes = 0;
    for (qsizetype i = m_size - keep; i < m_size; ++i) {
        kept.push_back(at(i));
        m_bytes += kept.back().approximateBytes();
    }
    m_dropped += m_size - keep;
    m_ring = std::move(kept);
    m_head = 0;
    m_size = keep;
    m_capacity = capacity;
}

void LogBuffer::clear()
{
    m_ring.clear();
    m_ring.shrink_to_fit();
    m_head = 0;
    m_size = 0;
    m_bytes = 0;
}

} // namespace ops
