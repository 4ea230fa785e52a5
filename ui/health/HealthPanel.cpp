#include "ui/health/HealthPanel.h"

#include "models/domain/Clock.h"
#include "models/domain/Units.h"
#include "models/itemmodels/HealthFieldsModel.h"
#include "models/itemmodels/HealthTableModel.h"
#include "models/monitor/TargetMonitor.h"
#include "ui/shell/StatePalette.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace ops {

namespace {

// Paints a coloured dot before the state word, and greys every cell while the data is stale.
class HealthStateDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(HealthTableModel::StaleRole).toBool())
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::Disabled, QPalette::Text));
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (index.column() == HealthTableModel::StateColumn)
            size.rwidth() += option.fontMetrics.height() / 2 + 2 + 8;
        return size;
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override
    {
        if (index.column() != HealthTableModel::StateColumn) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem shifted = option;
        const int dot = option.fontMetrics.height() / 2 + 2;
        shifted.rect.adjust(dot + 8, 0, 0, 0);
        QStyledItemDelegate::paint(painter, shifted, index);
        const bool stale = index.data(HealthTableModel::StaleRole).toBool();
        QColor color =
            colorFor(static_cast<HealthState>(index.data(HealthTableModel::StateRole).toInt()));
        if (stale)
            color = option.palette.color(QPalette::Disabled, QPalette::Text);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        const QRect r = option.rect;
        painter->drawEllipse(QRect(r.left() + 6, r.center().y() - dot / 2, dot, dot));
        painter->restore();
    }
};

} // namespace

HealthPanel::HealthPanel(TargetMonitor* monitor, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_model(new HealthTableModel(monitor, this))
    , m_view(new QTableView(this))
    , m_overall(new QLabel(this))
    , m_fields(new HealthFieldsModel(this))
    , m_fieldsView(new QTableView(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* title = new QLabel(tr("<b>Health</b>"), this);
    layout->addWidget(title);
    layout->addWidget(m_overall);
    m_view->setModel(m_model);
    m_view->setItemDelegate(new HealthStateDelegate(m_view));
    m_view->setObjectName(QStringLiteral("healthTable"));
    m_view->setAccessibleName(tr("Gateway components"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(HealthTableModel::DetailsColumn,
                                                     QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(HealthTableModel::ComponentColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(HealthTableModel::StateColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(HealthTableModel::CheckedColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(HealthTableModel::SinceColumn,
                                                     QHeaderView::ResizeToContents);
    m_fieldsView->setModel(m_fields);
    m_fieldsView->setObjectName(QStringLiteral("healthFields"));
    m_fieldsView->setAccessibleName(tr("Every field of the health answer"));
    m_fieldsView->setAlternatingRowColors(true);
    m_fieldsView->verticalHeader()->hide();
    m_fieldsView->horizontalHeader()->setStretchLastSection(true);
    m_fieldsView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    auto* fields = new QWidget(this);
    auto* fieldsLayout = new QVBoxLayout(fields);
    fieldsLayout->setContentsMargins(0, 0, 0, 0);
    fieldsLayout->addWidget(new QLabel(tr("<b>All fields reported</b>"), fields));
    fieldsLayout->addWidget(m_fieldsView);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(fields);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    refresh();
}

QString HealthPanel::overallText() const
{
    return m_overall->text();
}

void HealthPanel::setMonitor(TargetMonitor* monitor)
{
    m_monitor = monitor;
    m_model->setMonitor(monitor);
    refresh();
}

void HealthPanel::refresh()
{
    m_model->refresh();
    m_fields->setFields(m_monitor->hasHealth() ? m_monitor->health().flattened
                                               : QList<HealthDetail>());
    if (!m_monitor->hasHealth()) {
        m_overallState = tr("unknown");
        m_overall->setText(tr("Waiting for the first answer from /health/detailed…"));
        return;
    }
    const HealthSnapshot& health = m_monitor->health();
    const HealthState worst = health.worst();
    // Without a fresh answer the overall state is not known: never green from old data.
    if (m_monitor->isDataStale()) {
        const ConnectionState state = m_monitor->state();
        QString text =
            tr("Overall: <b>unknown</b> — %1, no answer for %2; last known %3, %4 ago")
                .arg(isAnswering(state) ? tr("stale data")
                                        : connectionStateName(state).toHtmlEscaped(),
                     formatElapsed(m_monitor->dataAgeMs()), healthStateName(worst),
                     formatElapsed(m_monitor->clock()->nowMs() - m_monitor->healthCheckedMs()));
        m_overall->setText(text);
        m_overallState = tr("unknown");
        return;
    }
    m_overallState = healthStateName(worst);
    QString text = tr("Overall: <span style=\"color:%1\"><b>%2</b></span>")
                       .arg(colorFor(worst).name(), healthStateName(worst));
    if (!health.overallRaw.isEmpty())
        text += tr(" — gateway says “%1”").arg(health.overallRaw.toHtmlEscaped());
    if (health.components.isEmpty())
        text += tr(" — this gateway reports no components");
    m_overall->setText(text);
    m_overall->setObjectName(QStringLiteral("overallHealth"));
}

} // namespace ops
