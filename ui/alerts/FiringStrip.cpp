#include "ui/alerts/FiringStrip.h"

#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/domain/Clock.h"
#include "ui/shell/StatePalette.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QTabWidget>

#include <algorithm>

namespace ops {

namespace {

struct StripColors {
    QColor background;
    QColor text;
};

StripColors colorsFor(const AlertEngine::Counts& counts, std::optional<AlertSeverity> worst)
{
    // Everything firing is acknowledged: someone is on it, the strip stays but calms down.
    const QColor background = counts.firing == 0 ? allClearColor()
                              : counts.acknowledged == counts.firing
                                  ? acknowledgedColor()
                                  : colorFor(worst.value_or(AlertSeverity::Info));
    return {background, textColorOn(background)};
}

QIcon badgeIcon(int count, const QColor& color)
{
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(1, 1, 30, 30));
    painter.setPen(textColorOn(color));
    QFont font = painter.font();
    font.setBold(true);
    font.setPixelSize(count > 9 ? 15 : 20);
    painter.setFont(font);
    painter.drawText(QRectF(0, 0, 32, 32), Qt::AlignCenter,
                     count > 99 ? QStringLiteral("99+") : QString::number(count));
    return QIcon(pixmap);
}

} // namespace

FiringStrip::FiringStrip(AlertCenter* center, QWidget* parent)
    : QFrame(parent)
    , m_center(center)
    , m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("firingStrip"));
    setAutoFillBackground(true);
    setFrameShape(QFrame::NoFrame);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 5, 10, 5);
    m_label->setObjectName(QStringLiteral("firingStripText"));
    m_label->setTextFormat(Qt::RichText);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_label, &QLabel::linkActivated, this, &FiringStrip::showAlertsRequested);
    layout->addWidget(m_label, 1);
    setAccessibleName(tr("Firing alerts"));
    connect(center->engine(), &AlertEngine::alertsChanged, this, &FiringStrip::refresh);
    connect(center->engine(), &AlertEngine::evaluated, this, &FiringStrip::refresh);
    refresh();
}

QString FiringStrip::text() const
{
    return m_label->text();
}

void FiringStrip::attachBadge(QTabWidget* tabs, QWidget* alertsPage)
{
    m_tabs = tabs;
    m_alertsPage = alertsPage;
    const int index = tabs->indexOf(alertsPage);
    m_alertsTitle = index >= 0 ? tabs->tabText(index) : tr("&Alerts");
    refresh();
}

void FiringStrip::refresh()
{
    const AlertEngine* engine = m_center->engine();
    const AlertEngine::Counts counts = engine->counts();
    const std::optional<AlertSeverity> worst = engine->worstFiringSeverity();
    QList<AlertStatus> firing;
    for (const AlertStatus& s : engine->alerts())
        if (s.isFiring())
            firing << s;
    std::stable_sort(firing.begin(), firing.end(), [](const AlertStatus& a, const AlertStatus& b) {
        if (bool(a.ack) != bool(b.ack))
            return !a.ack; // the ones nobody is on first
        return a.severity > b.severity;
    });

    QString text;
    if (firing.isEmpty()) {
        text = tr("<b>All clear:</b> nothing firing");
        if (counts.pending > 0)
            text += tr(" · %n pending", nullptr, counts.pending);
    } else {
        QString head;
        if (counts.critical == counts.firing)
            head = tr("%n critical firing", nullptr, counts.firing);
        else if (counts.critical > 0)
            head = tr("%n firing (%1 critical)", nullptr, counts.firing).arg(counts.critical);
        else
            head = tr("%n firing", nullptr, counts.firing);
        QStringList items;
        const int shown = std::min<int>(3, int(firing.size()));
        for (int i = 0; i < shown; ++i) {
            const AlertStatus& s = firing[i];
            QString item =
                tr("%1 on %2").arg(s.key.rule.toHtmlEscaped(), s.key.target.toHtmlEscaped());
            if (s.ack)
                item += tr(" (acknowledged by %1)").arg(s.ack->author.toHtmlEscaped());
            items << item;
        }
        if (firing.size() > shown)
            items << tr("%n more", nullptr, int(firing.size()) - shown);
        text = tr("<b>%1:</b> %2").arg(head, items.join(QStringLiteral(", ")));
    }
    if (counts.noData + counts.errors > 0)
        text += tr(" · %n without data or in error", nullptr, counts.noData + counts.errors);
    const StripColors colors = colorsFor(counts, worst);
    text += QStringLiteral(" &nbsp; <a href=\"alerts\" style=\"color:%1\">%2</a>")
                .arg(colors.text.name(), tr("Show alerts"));
    m_label->setText(text);
    QPalette p = palette();
    p.setColor(QPalette::Window, colors.background);
    p.setColor(QPalette::WindowText, colors.text);
    p.setColor(QPalette::Text, colors.text);
    setPalette(p);
    m_label->setPalette(p);
    setAccessibleDescription(m_label->text());
    updateBadge(counts.firing, counts.acknowledged, counts.critical > 0);
}

void FiringStrip::updateBadge(int firing, int acknowledged, bool critical)
{
    if (!m_tabs || !m_alertsPage)
        return;
    const int index = m_tabs->indexOf(m_alertsPage);
    if (index < 0)
        return;
    m_tabs->setTabText(index,
                       firing > 0 ? tr("%1 (%2)").arg(m_alertsTitle).arg(firing) : m_alertsTitle);
    const QColor color = acknowledged == firing ? acknowledgedColor()
                                                : colorFor(critical ? AlertSeverity::Critical
                                                                    : AlertSeverity::Warning);
    m_tabs->setTabIcon(index, firing > 0 ? badgeIcon(firing, color) : QIcon());
    m_tabs->setTabToolTip(
        index, firing > 0
                   ? tr("%n alert(s) firing, %1 acknowledged", nullptr, firing).arg(acknowledged)
                   : tr("No alert firing"));
}

} // namespace ops
