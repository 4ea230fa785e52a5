#include "ui/targets/TargetSwitcher.h"

#include "models/targets/TargetListModel.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/StatePalette.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QIdentityProxyModel>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QToolBar>

namespace ops {

namespace {

// The state colour as the decoration of each row (colours belong to the ui).
class StateColourProxy : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex& index, int role) const override
    {
        if (role == Qt::DecorationRole) {
            const QVariant state = QIdentityProxyModel::data(index, TargetListModel::StateRole);
            if (state.isValid())
                return colorFor(state.value<ConnectionState>());
        }
        return QIdentityProxyModel::data(index, role);
    }
};

} // namespace

TargetSwitcher::TargetSwitcher(MainWindow* window, QAbstractItemModel* targets)
    : QObject(window)
    , m_combo(new QComboBox(window))
    , m_dock(new QDockWidget(tr("Targets"), window))
    , m_list(new QListView(m_dock))
    , m_noticeBar(new QToolBar(tr("Notice"), window))
    , m_notice(new QLabel(m_noticeBar))
    , m_noticeButton(new QPushButton(m_noticeBar))
{
    auto* proxy = new StateColourProxy(this);
    proxy->setSourceModel(targets);

    auto* toolbar = window->addToolBar(tr("Target"));
    toolbar->setObjectName(QStringLiteral("targetToolbar"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr("Watching: "), toolbar));
    m_combo->setObjectName(QStringLiteral("targetCombo"));
    m_combo->setAccessibleName(tr("Watched target"));
    m_combo->setModel(proxy);
    m_combo->setMinimumContentsLength(18);
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    toolbar->addWidget(m_combo);
    QAction* manage = toolbar->addAction(tr("Tar&gets…"));
    manage->setObjectName(QStringLiteral("manageTargets"));
    connect(manage, &QAction::triggered, this, &TargetSwitcher::manageRequested);
    // Nothing to switch between before the first target (the first run's welcome): no empty
    // combo box; File > Targets… and the welcome's buttons add one.
    const auto showWhenAny = [toolbar, targets] { toolbar->setVisible(targets->rowCount() > 0); };
    showWhenAny();
    connect(targets, &QAbstractItemModel::modelReset, toolbar, showWhenAny);
    connect(targets, &QAbstractItemModel::rowsInserted, toolbar, showWhenAny);
    connect(targets, &QAbstractItemModel::rowsRemoved, toolbar, showWhenAny);

    window->addToolBarBreak();
    m_noticeBar->setObjectName(QStringLiteral("noticeBar"));
    m_noticeBar->setMovable(false);
    m_noticeBar->setAutoFillBackground(true);
    QPalette palette = m_noticeBar->palette();
    palette.setColor(QPalette::Window, QColor(255, 200, 80, 110));
    m_noticeBar->setPalette(palette);
    m_notice->setObjectName(QStringLiteral("noticeText"));
    m_notice->setWordWrap(true);
    m_notice->setMargin(4);
    m_notice->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_noticeBar->addWidget(m_notice);
    m_noticeBar->addWidget(m_noticeButton);
    window->addToolBar(Qt::TopToolBarArea, m_noticeBar);
    m_noticeBar->hide();
    connect(m_noticeButton, &QPushButton::clicked, this, [this] {
        if (m_noticeAction)
            m_noticeAction();
    });

    m_dock->setObjectName(QStringLiteral("targetsDock"));
    m_list->setObjectName(QStringLiteral("targetsList"));
    m_list->setAccessibleName(tr("Watched targets and their connection state"));
    m_list->setModel(proxy);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_dock->setWidget(m_list);
    m_dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    window->addDockWidget(Qt::LeftDockWidgetArea, m_dock);
    window->resizeDocks({m_dock}, {200}, Qt::Horizontal);

    connect(m_combo, &QComboBox::activated, this,
            [this](int row) { emit targetSelected(m_combo->itemText(row)); });
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex& index) {
        emit targetSelected(index.data(Qt::DisplayRole).toString());
    });
}

void TargetSwitcher::setCurrent(const QString& name)
{
    const int row = m_combo->findText(name);
    if (row < 0)
        return;
    m_combo->setCurrentIndex(row);
    m_list->setCurrentIndex(m_list->model()->index(row, 0));
}

void TargetSwitcher::showNotice(const QString& text, const QString& actionText,
                                std::function<void()> action)
{
    m_notice->setText(text);
    m_noticeButton->setText(actionText);
    m_noticeButton->setVisible(!actionText.isEmpty());
    m_noticeAction = std::move(action);
    m_noticeBar->show();
}

void TargetSwitcher::clearNotice()
{
    m_noticeBar->hide();
    m_noticeAction = {};
}

QString TargetSwitcher::noticeText() const
{
    return m_noticeBar->isVisible() ? m_notice->text() : QString();
}

void TargetSwitcher::setListShown(bool shown)
{
    m_dock->setVisible(shown);
}

} // namespace ops
