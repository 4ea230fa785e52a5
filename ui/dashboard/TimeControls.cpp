#include "ui/dashboard/TimeControls.h"

#include "ui/dashboard/ChartTimeline.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace ops {

QList<qint64> TimeControls::presetWindows()
{
    return {5 * 60'000LL,     15 * 60'000LL,        3'600'000LL,          6 * 3'600'000LL,
            24 * 3'600'000LL, 7 * 24 * 3'600'000LL, 30 * 24 * 3'600'000LL};
}

QString TimeControls::windowName(qint64 ms)
{
    if (ms > 24 * 3'600'000LL && ms % (24 * 3'600'000LL) == 0)
        return tr("%1 d").arg(ms / (24 * 3'600'000LL));
    if (ms % 3'600'000 == 0)
        return tr("%1 h").arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return tr("%1 min").arg(ms / 60'000);
    return tr("%1 s").arg(ms / 1000);
}

TimeControls::TimeControls(ChartTimeline* timeline, const Actions& actions, QWidget* parent)
    : QWidget(parent)
    , m_status(new QLabel(this))
{
    Q_UNUSED(timeline);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(tr("Window:"), this);
    layout->addWidget(label);
    for (QAction* preset : actions.presets) {
        auto* button = new QToolButton(this);
        button->setDefaultAction(preset);
        button->setFocusPolicy(Qt::TabFocus);
        layout->addWidget(button);
        addAction(preset);
        // The chosen window stands out in both palettes (Fusion's checked shade barely differs
        // from the others on a dark palette): the highlight colour, bold.
        const auto mark = [button](bool checked) {
            QPalette p = button->parentWidget()->palette();
            QFont f = button->parentWidget()->font();
            if (checked) {
                p.setColor(QPalette::Button, p.color(QPalette::Highlight));
                p.setColor(QPalette::ButtonText, p.color(QPalette::HighlightedText));
                f.setBold(true);
            }
            button->setPalette(p);
            button->setFont(f);
        };
        connect(preset, &QAction::toggled, button, mark);
        mark(preset->isChecked());
    }
    layout->addSpacing(12);
    auto* pause = new QToolButton(this);
    pause->setDefaultAction(actions.pause);
    pause->setToolButtonStyle(Qt::ToolButtonTextOnly);
    pause->setFocusPolicy(Qt::TabFocus);
    layout->addWidget(pause);
    addAction(actions.pause);
    auto* tables = new QToolButton(this);
    tables->setDefaultAction(actions.tables);
    tables->setFocusPolicy(Qt::TabFocus);
    layout->addWidget(tables);
    addAction(actions.tables);
    layout->addSpacing(12);
    m_status->setObjectName(QStringLiteral("chartStatus"));
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status, 1);
}

void TimeControls::setStatus(const QString& text, bool stale)
{
    m_status->setText(text);
    // Greyed while stale, but readable: a grey between the background and the text (the
    // disabled colour nearly vanishes on a light palette). Re-derived on each call (every
    // second), so it follows palette changes.
    if (!stale) {
        m_status->setPalette(QPalette()); // the inherited palette again
    } else {
        const QColor a = palette().color(QPalette::Window);
        const QColor b = palette().color(QPalette::WindowText);
        const auto blend = [](int x, int y) { return (x * 105 + y * 150) / 255; };
        QPalette pal;
        pal.setColor(QPalette::WindowText,
                     QColor(blend(a.red(), b.red()), blend(a.green(), b.green()),
                            blend(a.blue(), b.blue())));
        m_status->setPalette(pal);
    }
}

QString TimeControls::status() const
{
    return m_status->text();
}

} // namespace ops
