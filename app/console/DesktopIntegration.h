#pragma once

#include <QString>
#include <QStringList>

class QApplication;
class QIcon;
class QWidget;

// What makes the console a desktop application rather than a bare window: its translations,
// icon and desktop-file name, autostart at login, and starting minimised to the tray.
namespace DesktopIntegration {

// Loads the translation matching the system locale from the embedded resource (and Qt's own),
// sets the window icon and the desktop-file name. Call right after constructing the application.
void install(QApplication& app);

// The application icon from the embedded SVG and the hicolor PNG sizes.
QIcon applicationIcon();

// ~/.config/autostart/org.bhiv.OpsConsole.desktop (honours $XDG_CONFIG_HOME).
QString autostartFilePath();
// Writes the autostart entry that runs `program arguments...` at login. False with *error.
bool enableAutostart(const QString& program, const QStringList& arguments, QString* error);
// Removes the autostart entry; true when it is gone (also when there was none).
bool disableAutostart(QString* error);
// One Exec= argument, quoted and escaped as the Desktop Entry specification asks.
QString quoteExecArgument(const QString& argument);

// Brings a window to the front: un-minimises, shows, raises and activates it.
void raiseWindow(QWidget* window);
// Hides the window behind a tray icon when the desktop has a tray, else minimises it.
// Returns true when a tray icon holds the window.
bool minimizeToTray(QWidget* window);

} // namespace DesktopIntegration
