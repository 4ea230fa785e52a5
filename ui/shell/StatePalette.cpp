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
