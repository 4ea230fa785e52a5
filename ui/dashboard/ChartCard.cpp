#include "ui/dashboard/ChartCard.h"

#include "models/itemmodels/ChartPointsModel.h"
#include "ui/dashboard/TimeChart.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace ops {

ChartCard::ChartCard(const QString& title, ChartTimeline* timeline, QWidget* parent)
    : QWidget(parent)
    , m_chart(new TimeChart(timeline, this))
    , m_table(new QTableView(this))
    , m_stack(new QStackedWidget(this))
    , m_note(new QLabel(this))
    , m_tableButton(new QToolButton(this))
{
    m_chart->setTitle(title);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* header = new QHBoxLayout;
    header->setContentsMargins(4, 0, 0, 0);
    m_note->setWordWrap(true);
    QFont small = m_note->font();
    small.setItalic(true);
    m_note->setFont(small);
    m_note->setObjectName(QStringLiteral("chartNote"));
    m_note->hide();
    header->addWidget(m_note, 1);
    header->addStretch();
    m_tableButton->setText(tr("Table"));
    m_tableButton->setCheckable(true);
    m_tableButton->setAutoRaise(true);
    m_tableButton->setToolTip(tr("Show the points of this chart as a table"));
    m_tableButton->setAccessibleName(tr("Show %1 as a table").arg(title));
    connect(m_tableButton, &QToolButton::toggled, this, &ChartCard::setTableShown);
    header->addWidget(m_tableButton);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setAutoRaise(true);
    exportButton->setPopupMode(QToolButton::InstantPopup);
    exportButton->setAccessibleName(tr("Export %1").arg(title));
    auto* menu = new QMenu(exportButton);
    menu->addAction(tr("Chart as PNG…"), this, &ChartCard::exportPng);
    menu->addAction(tr("Visible data as CSV…"), this, &ChartCard::exportCsv);
    exportButton->setMenu(menu);
    header->addWidget(exportButton);
    layout->addLayout(header);

    m_table->setModel(m_chart->pointsModel());
    m_table->setAccessibleName(tr("%1 data table").arg(title));
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_stack->addWidget(m_chart);
    m_stack->addWidget(m_table);
    layout->addWidget(m_stack, 1);
    setFocusProxy(m_chart);
}

void ChartCard::setTableShown(bool shown)
{
    m_chart->setPointsModelActive(shown);
    m_stack->setCurrentWidget(shown ? static_cast<QWidget*>(m_table) : m_chart);
    if (m_tableButton->isChecked() != shown)
        m_tableButton->setChecked(shown);
    if (shown)
        m_table->resizeColumnsToContents();
    setFocusProxy(shown ? static_cast<QWidget*>(m_table) : m_chart);
}

bool ChartCard::isTableShown() const
{
    return m_stack->currentWidget() == m_table;
}

void ChartCard::setNote(const QString& note)
{
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

QString ChartCard::note() const
{
    return m_note->text();
}

void ChartCard::exportPng()
{
    const QString name = m_chart->title().toLower().replace(u' ', u'-') + QStringLiteral(".png");
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export chart as PNG"), QDir::home().filePath(name), tr("PNG images (*.png)"));
    if (!path.isEmpty() && !m_chart->exportPng(path))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
}

void ChartCard::exportCsv()
{
    const QString name = m_chart->title().toLower().replace(u' ', u'-') + QStringLiteral(".csv");
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export visible data as CSV"),
                                     QDir::home().filePath(name), tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !m_chart->exportCsv(path))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
}

} // namespace ops
