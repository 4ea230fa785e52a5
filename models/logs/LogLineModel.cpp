#include "models/logs/LogLineModel.h"

#include <QJsonDocument>

namespace ops {

LogLineModel::LogLineModel(qsizetype capacity, QObject* parent)
    : QAbstractListModel(parent)
    , m_buffer(capacity)
{
}

void LogLineModel::setCapacity(qsizetype capacity)
{
    m_buffer.setCapacity(capacity);
    dropEvicted();
}

void LogLineModel::clear()
{
    beginResetModel();
    m_buffer.clear();
    m_rows.clear();
    m_held.clear();
    endResetModel();
    emit arrivedWhilePausedChanged(0);
}

void LogLineModel::dropEvicted()
{
    const quint64 first = m_buffer.firstSeq();
    size_t gone = 0;
    while (gone < m_rows.size() && m_rows[gone] < first) {
        ++gone;
    }
    if (gone > 0) {
        beginRemoveRows({}, 0, static_cast<int>(gone) - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + static_cast<std::ptrdiff_t>(gone));
        endRemoveRows();
    }
    const size_t heldBefore = m_held.size();
    while (!m_held.empty() && m_held.front() < first) {
        m_held.pop_front();
    }
    if (m_held.size() != heldBefore) {
        emit arrivedWhilePausedChanged(arrivedWhilePaused());
    }
}

void LogLineModel::append(const QList<LogLine>& lines)
{
    if (lines.isEmpty()) {
        return;
    }
    std::vector<quint64> shown;
    shown.reserve(static_cast<size_t>(lines.size()));
    for (const LogLine& line : lines) {
        const bool match = m_filter.matches(line);
        m_buffer.append(line);
        if (match) {
            shown.push_back(m_buffer.endSeq() - 1);
        }
    }
    // A batch larger than the buffer: only what is still held counts.
    const quint64 first = m_buffer.firstSeq();
    auto kept = std::find_if(shown.begin(), shown.end(), [first](quint64 s) { return s >= first; });
    dropEvicted();
    if (kept == shown.end()) {
        return;
    }
    if (m_paused) {
        m_held.insert(m_held.end(), kept, shown.end());
        emit arrivedWhilePausedChanged(arrivedWhilePaused());
        return;
    }
    const int from = static_cast<int>(m_rows.size());
    beginInsertRows({}, from, from + static_cast<int>(shown.end() - kept) - 1);
    m_rows.insert(m_rows.end(), kept, shown.end());
    endInsertRows();
}

bool LogLineModel::setFilter(const LogFilter& filter)
{
    beginResetModel();
    m_filter = filter;
    m_rows.clear();
    m_held.clear();
    for (quint64 seq = m_buffer.firstSeq(); seq < m_buffer.endSeq(); ++seq) {
        if (m_filter.matches(m_buffer.bySeq(seq))) {
            m_rows.push_back(seq);
        }
    }
    endResetModel();
    emit arrivedWhilePausedChanged(0);
    return m_filter.isValid();
}

void LogLineModel::setPaused(bool paused)
{
    if (paused == m_paused) {
        return;
    }
    m_paused = paused;
    if (!paused && !m_held.empty()) {
        const int from = static_cast<int>(m_rows.size());
        beginInsertRows({}, from, from + static_cast<int>(m_held.size()) - 1);
        m_rows.insert(m_rows.end(), m_held.begin(), m_held.end());
        m_held.clear();
        endInsertRows();
    }
    emit arrivedWhilePausedChanged(arrivedWhilePaused());
}

int LogLineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant LogLineModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) {
        return {};
    }
    const LogLine& line = lineAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return line.toText();
    case Qt::ToolTipRole:
        return QStringLiteral("%1 · %2 · %3").arg(line.timestamp, line.instance, line.id);
    case LevelRole:
        return static_cast<int>(line.level);
    case TimestampMsRole:
        return line.timestampMs;
    case IdRole:
        return line.id;
    case TypeRole:
        return line.type;
    case InstanceRole:
        return line.instance;
    case MessageRole:
        return line.message;
    default:
        return {};
    }
}

int LogLineModel::find(const QRegularExpression& pattern, int from, bool backward) const
{
    const int n = rowCount();
    if (n == 0 || !pattern.isValid() || pattern.pattern().isEmpty()) {
        return -1;
    }
    for (int step = 1; step <= n; ++step) {
        const int row = ((backward ? from - step : from + step) % n + n) % n;
        if (pattern.match(lineAt(row).message).hasMatch()) {
            return row;
        }
    }
    return -1;
}

bool LogLineModel::exportTo(QIODevice* device, ExportFormat format, QString* error) const
{
    for (int row = 0; row < rowCount(); ++row) {
        const LogLine& line = lineAt(row);
        const QByteArray text = format == ExportFormat::JsonLines
                                    ? QJsonDocument(line.toJson()).toJson(QJsonDocument::Compact)
                                    : line.toText().toUtf8();
        if (device->write(text) != text.size() || device->write("\n", 1) != 1) {
            if (error) {
                *error = QStringLiteral("could not write the logs: %1").arg(device->errorString());
            }
            return false;
        }
    }
    return true;
}

} // namespace ops
