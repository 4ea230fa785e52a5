#pragma once

#include <QPalette>
#include <QString>

namespace ops {

// The console follows the system palette. For screenshots and checks, a named palette can be
// forced: "dark" or "light" (Fusion style with a fixed palette), "system" leaves it alone.
QPalette darkPalette();
QPalette lightPalette();
// Applies the named palette to the application; false for an unknown name.
bool applyPalette(const QString& name);

} // namespace ops
