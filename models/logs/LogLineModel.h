#pragma once

#include "models/logs/LogBuffer.h"
#include "models/logs/LogFilter.h"

#include <QAbstractListModel>
#include <QIODevice>
#include <QRegularExpression>

#include <deque>

namespace ops {

// The lines a Logs tab shows: the service's LogBuffer seen through a LogFilter, oldest at the
// top. While paused, lines still go into the buffer but the rows stay as they are; the number
// that came meanwhile (and match) is counted, and resuming shows them.
class LogLineModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        LevelRole = Qt::UserRole + 1, // int (LogLevel)
        TimestampMsRole,
        IdRole,
        TypeRole,
        InstanceRole,
        MessageRole,
    };
    enum class ExportFormat { Text, JsonLines };

    explicit LogLineModel(qsizetype capacity = LogBuffer::kDefaultCapacity,
                          QObject* parent = nullptr);

    const LogBuffer& buffer() const { return m_buffer; }
    void setCapacity(qsizetype capacity);

    // Lines in time order, appended as the newest.
    void append(const QList<LogLine>& lines);
    void clear();

    // False with filter.error() when its regex is invalid (the rows are then empty).
    bool setFilter(const LogFilter& filter);
    const LogFilter& filter() const { return m_filter; }

    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // Matching lines that arrived while paused (still in the buffer).
    int arrivedWhilePaused() const { return static_cast<int>(m_held.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    const LogLine& lineAt(int row) const
    {
        return m_buffer.bySeq(m_rows[static_cast<size_t>(row)]);
    }

    // The next (or previous) row after `from` whose message matches; -1 when none. Wraps.
    int find(const QRegularExpression& pattern, int from, bool backward) const;
    // Writes the rows shown, oldest first; false with *error on a write failure.
    bool exportTo(QIODevice* device, ExportFormat format, QString* error = nullptr) const;

signals:
    void arrivedWhilePausedChanged(int count);

private:
    void dropEvicted();

    LogBuffer m_buffer;
    LogFilter m_filter;
    std::deque<quint64> m_rows; // sequence numbers shown
    std::deque<quint64> m_held; // matching, arrived while paused
    bool m_paused = false;
};

} // namespace ops
