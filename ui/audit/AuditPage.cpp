#include "ui/audit/AuditPage.h"

#include "ui/shell/EmptyState.h"

#include "models/itemmodels/AuditTableModel.h"

#include <QComboBox>
#include <QDate>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

namespace ops {

namespace {

// Keeps the current choice when the list of choices grows.
void setChoices(QComboBox* combo, const QString& all, const QStringList& values)
{
    const QString current = combo->currentData().toString();
    combo->blockSignals(true);
    combo->clear();
    combo->addItem(all, QString());
    for (const QString& v : values)
        combo->addItem(v, v);
    combo->setCurrentIndex(std::max(0, combo->findData(current)));
    combo->blockSignals(false);
}

} // namespace

AuditPage::AuditPage(AuditTableModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new AuditFilterModel(this))
{
    setObjectName(QStringLiteral("auditPage"));
    m_filter->setSourceModel(model);

    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("auditFilterText"));
    m_text->setPlaceholderText(tr("Filter: user, target, subject, result…"));
    m_text->setClearButtonEnabled(true);
    m_text->setAccessibleName(tr("Filter text"));
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("auditFilterKind"));
    m_kind->setAccessibleName(tr("Action kind"));
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("auditFilterTarget"));
    m_target->setAccessibleName(tr("Target"));
    m_target->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("auditExport"));
    auto* kindLabel = new QLabel(tr("A&ction:"), this);
    kindLabel->setBuddy(m_kind);
    auto* targetLabel = new QLabel(tr("Ta&rget:"), this);
    targetLabel->setBuddy(m_target);
    filters->addWidget(m_text, 1);
    filters->addWidget(kindLabel);
    filters->addWidget(m_kind);
    filters->addWidget(targetLabel);
    filters->addWidget(m_target);
    filters->addWidget(m_export);
    layout->addLayout(filters);

    m_storageNotice = new QLabel(this);
    m_storageNotice->setObjectName(QStringLiteral("auditStorageNotice"));
    m_storageNotice->setWordWrap(true);
    m_storageNotice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_storageNotice->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_storageNotice->hide();
    layout->addWidget(m_storageNotice);

    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020;"));
    layout->addWidget(m_problem);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("auditTable"));
    m_view->setAccessibleName(tr("Audit log"));
    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AuditTableModel::Time, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->resizeColumnsToContents();
    setEmptyText(m_view, tr("No audited actions yet: workflow launches, redeploys and "
                            "rollbacks are recorded here, with who did them and the result."));
    layout->addWidget(m_view, 1);

    m_count = new QLabel(this);
    layout->addWidget(m_count);

    connect(m_text, &QLineEdit::textChanged, m_filter, &AuditFilterModel::setText);
    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setActionKind(m_kind->currentData().toString()); });
    connect(m_target, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setTarget(m_target->currentData().toString()); });
    connect(m_export, &QPushButton::clicked, this, &AuditPage::exportWithDialog);
    // Columns fit what they hold (time, actor, target, action read whole); the last takes the
    // rest of the width.
    connect(m_model, &AuditTableModel::rowsAdded, this, [this] {
        updateChoices();
        m_view->resizeColumnsToContents();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &AuditPage::updateCount);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &AuditPage::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &AuditPage::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &AuditPage::updateCount);

    updateChoices();
    m_view->resizeColumnsToContents();
    updateCount();
}

void AuditPage::updateChoices()
{
    setChoices(m_kind, tr("All actions"), m_model->actionKinds());
    setChoices(m_target, tr("All targets"), m_model->targets());
    const QString problem = m_model->problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    updateCount();
}

void AuditPage::updateCount()
{
    const int shown = m_filter->rowCount();
    const int all = m_model->rowCount();
    m_count->setText(shown == all ? tr("%n entries", nullptr, all)
                                  : tr("%1 of %n entries shown", nullptr, all).arg(shown));
    m_export->setEnabled(shown > 0);
}

bool AuditPage::exportCsv(const QString& path, QString* error)
{
    QString why;
    if (!AuditTableModel::writeCsv(*m_filter, path, &why)) {
        m_problem->setText(why);
        m_problem->show();
        if (error)
            *error = why;
        return false;
    }
    m_count->setText(tr("%n entries exported to %1", nullptr, m_filter->rowCount())
                         .arg(QDir::toNativeSeparators(path)));
    return true;
}

void AuditPage::setStorageNotice(const QString& notice)
{
    m_storageNotice->setText(notice);
    m_storageNotice->setVisible(!notice.isEmpty());
}

QString AuditPage::storageNotice() const
{
    return m_storageNotice->text();
}

void AuditPage::exportWithDialog()
{
    const QString suggested =
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
        QStringLiteral("/bhiv-audit-%1.csv").arg(QDate::currentDate().toString(Qt::ISODate));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the audit log"), suggested,
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportCsv(path);
}

} // namespace ops
