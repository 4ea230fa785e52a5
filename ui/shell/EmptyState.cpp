#include "ui/shell/EmptyState.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QEvent>
#include <QLabel>
#include <QPointer>

namespace ops {

namespace {

// The label over the view's viewport, kept to its size and shown while the model is empty.
class EmptyStateLabel : public QLabel {
public:
    explicit EmptyStateLabel(QAbstractItemView* view)
        : QLabel(view->viewport())
        , m_view(view)
    {
        setObjectName(QStringLiteral("emptyState"));
        setAlignment(Qt::AlignCenter);
        setWordWrap(true);
        setMargin(16);
        setTextFormat(Qt::PlainText);
        setAttribute(Qt::WA_TransparentForMouseEvents);
        QPalette p = palette();
        QColor grey = p.color(QPalette::WindowText);
        grey.setAlpha(170);
        p.setColor(QPalette::WindowText, grey);
        setPalette(p);
        view->viewport()->installEventFilter(this);
    }

    void follow()
    {
        QAbstractItemModel* model = m_view->model();
        if (model == m_model)
            return;
        if (m_model)
            disconnect(m_model, nullptr, this, nullptr);
        m_model = model;
        if (model) {
            connect(model, &QAbstractItemModel::rowsInserted, this, [this] { updateShown(); });
            connect(model, &QAbstractItemModel::rowsRemoved, this, [this] { updateShown(); });
            connect(model, &QAbstractItemModel::modelReset, this, [this] { updateShown(); });
            connect(model, &QAbstractItemModel::layoutChanged, this, [this] { updateShown(); });
        }
        updateShown();
    }

    void updateShown()
    {
        follow();
        const bool empty = !m_view->model() || m_view->model()->rowCount() == 0;
        setGeometry(m_view->viewport()->rect());
        setVisible(empty && !text().isEmpty());
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_view->viewport() &&
            (event->type() == QEvent::Resize || event->type() == QEvent::Show))
            updateShown();
        return QLabel::eventFilter(watched, event);
    }

private:
    QAbstractItemView* m_view;
    QPointer<QAbstractItemModel> m_model;
};

EmptyStateLabel* labelOf(const QAbstractItemView* view)
{
    return view->viewport()->findChild<EmptyStateLabel*>(QStringLiteral("emptyState"),
                                                         Qt::FindDirectChildrenOnly);
}

} // namespace

void setEmptyText(QAbstractItemView* view, const QString& text)
{
    EmptyStateLabel* label = labelOf(view);
    if (!label)
        label = new EmptyStateLabel(view);
    label->setText(text);
    label->updateShown();
}

QString emptyTextShown(const QAbstractItemView* view)
{
    const EmptyStateLabel* label = labelOf(view);
    if (!label)
        return {};
    const bool empty = !view->model() || view->model()->rowCount() == 0;
    return empty ? label->text() : QString();
}

} // namespace ops
