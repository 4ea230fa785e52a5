#include "ui/shell/StatePalette.h"

#include <QPalette>
namespace ops {

QColor colorFor(HealthState state)
{
    switch (state) {
    case HealthState::Healthy:
        return QColor(0x2e, 0x9e, 0x44);
    case HealthState::Degraded:
        return QColor(0xd9, 0x8c, 0x00);
    case HealthState::Down:
        return QColor(0xd0, 0x30, 0x30);
    }
    return Qt::gray;
}

QColor colorFor(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Up:
        return colorFor(HealthState::Healthy);
    case ConnectionState::Degraded:
    case ConnectionState::Waking:
    case ConnectionState::RateLimited:
        return colorFor(HealthState::Degraded);
    case ConnectionState::Connecting:
    case ConnectionState::Stale:
        return QColor(0x80, 0x80, 0x80);
    default:
        return colorFor(HealthState::Down);
    }
}

QColor colorFor(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Critical:
        return QColor(0xc6, 0x28, 0x28);
    case AlertSeverity::Warning:
        return QColor(0xf5, 0x9e, 0x0b);
    case AlertSeverity::Info:
        return QColor(0x25, 0x63, 0xeb);
    }
    return Qt::gray;
}

QColor allClearColor()
{
    return QColor(0x2e, 0x7d, 0x32);
}

QColor acknowledgedColor()
{
    return QColor(0x6d, 0x4c, 0x41);
}

QColor textColorOn(const QColor& background)
{
    // Relative luminance (sRGB weights, no gamma: enough to pick between two).
    const double luminance =
        0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.55 ? QColor(0x1f, 0x1f, 0x1f) : QColor(Qt::white);
}

QString noticeStyleSheet(NoticeKind kind, const QPalette& palette)
{
    const bool dark = palette.color(QPalette::Window).value() < 128;
    QString background;
    QString text;
    switch (kind) {
    case NoticeKind::Info:
        background = dark ? QStringLiteral("#1e3a5f") : QStringLiteral("#e7f1ff");
        text = dark ? QStringLiteral("#dbeafe") : QStringLiteral("#052c65");
        break;
    case NoticeKind::Warning:
        background = dark ? QStringLiteral("#5c4306") : QStringLiteral("#fff3cd");
        text = dark ? QStringLiteral("#fdecc8") : QStringLiteral("#664d03");
        break;
    case NoticeKind::Error:
        background = dark ? QStringLiteral("#6b1d24") : QStringLiteral("#f8d7da");
        text = dark ? QStringLiteral("#fde2e4") : QStringLiteral("#58151c");
        break;
    }
    return QStringLiteral("QLabel { background: %1; color: %2; padding: 6px; border-radius: 3px; }")
        .arg(background, text);
}

} // namespace ops
