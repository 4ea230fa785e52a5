#pragma once

#include "models/alerts/AlertRule.h"
#include "models/domain/ConnectionState.h"
#include "models/domain/HealthSnapshot.h"

#include <QColor>
#include <QPalette>
#include <QString>

namespace ops {

// Colours for states, readable on light and dark palettes.
QColor colorFor(HealthState state);
QColor colorFor(ConnectionState state);

// Alerts, the same everywhere (the table's dot, the tray icon, the firing strip, the tab badge):
// a severity's colour, nothing firing, and everything firing acknowledged (someone is on it).
QColor colorFor(AlertSeverity severity);
QColor allClearColor();
QColor acknowledgedColor();
// White or near-black, whichever reads better on `background`.
QColor textColorOn(const QColor& background);

// A notice band (information or error) as a style sheet for a QLabel, in colours that suit the
// palette the widget has now: light bands on a light palette, deep ones on a dark palette.
enum class NoticeKind { Info, Warning, Error };
QString noticeStyleSheet(NoticeKind kind, const QPalette& palette);

} // namespace ops
