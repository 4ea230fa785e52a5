#pragma once

#include "models/logs/LogLine.h"

#include <QtGlobal>

#include <vector>

namespace ops {

// The lines kept for one service: a ring of at most capacity lines (default 100,000), oldest
// dropped first. Every line gets a sequence number that never repeats, so views can hold on to
// lines by number and notice when one has been dropped.
class LogBuffer {
public:
    static constexpr qsizetype kDefaultCapacity = 100000;

    explicit LogBuffer(qsizetype capacity = kDefaultCapacity);

    qsizetype capacity() const { return m_capacity; }
    // Shrinking drops the oldest lines.
    void setCapacity(qsizetype capacity);
    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    // Sequence numbers held: [firstSeq, endSeq).
    quint64 firstSeq() const { return m_endSeq - static_cast<quint64>(m_size); }
    quint64 endSeq() const { return m_endSeq; }
    bool holds(quint64 seq) const { return seq >= firstSeq() && seq < m_endSeq; }
    const LogLine& bySeq(quint64 seq) const { return at(static_cast<qsizetype>(seq - firstSeq())); }
    // 0 = oldest.
    const LogLine& at(qsizetype i) const;
    // Adds a line as the newest; returns how many old lines were dropped for it (0 or 1).
    qsizetype append(LogLine line);
    void clear();
    // Bytes the lines hold, roughly (strings and objects; shared label strings not counted).
    qint64 approximateBytes() const { return m_bytes; }
    qint64 droppedTotal() const { return m_dropped; }

private:
    qsizetype m_capacity;
    std::vector<LogLine> m_ring;
    qsizetype m_head = 0; // index of the oldest line
    qsizetype m_size = 0;
    quint64 m_endSeq = 0;
    qint64 m_bytes = 0;
    qint64 m_dropped = 0;
};

} // namespace ops
