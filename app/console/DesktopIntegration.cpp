#include "app/console/DesktopIntegration.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTranslator>
#include <QWidget>

namespace DesktopIntegration {

namespace {

const QString kAppId = QStringLiteral("org.bhiv.OpsConsole");

void loadTranslator(QApplication& app, const QString& name, const QString& directory)
{
    auto* translator = new QTranslator(&app);
    if (translator->load(QLocale(), name, QStringLiteral("_"), directory))
        QCoreApplication::installTranslator(translator);
    else
        delete translator;
}

} // namespace

void install(QApplication& app)
{
    // Qt's own strings (standard buttons, shortcuts) from the system's Qt translations.
    loadTranslator(app, QStringLiteral("qtbase"),
                   QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    // Ours are embedded (packaging/CMakeLists.txt: qt_add_translations, prefix /i18n).
    loadTranslator(app, QStringLiteral("bhiv-ops"), QStringLiteral(":/i18n"));
    QGuiApplication::setDesktopFileName(kAppId);
    QApplication::setWindowIcon(applicationIcon());
}

QIcon applicationIcon()
{
    QIcon icon;
    for (const int size : {16, 32, 48, 64, 128, 256}) {
        const QString png =
            QStringLiteral(":/icons/hicolor/%1x%1/apps/%2.png").arg(size).arg(kAppId);
        if (QFile::exists(png))
            icon.addFile(png, QSize(size, size));
    }
    const QString svg = QStringLiteral(":/icons/%1.svg").arg(kAppId);
    if (QFile::exists(svg))
        icon.addFile(svg);
    return icon;
}

QString autostartFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/autostart/%1.desktop").arg(kAppId);
}

QString quoteExecArgument(const QString& argument)
{
    // Field codes start with %; a literal % is written %%.
    QString value = argument;
    value.replace(QLatin1Char('%'), QStringLiteral("%%"));
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:,=@%+-]+$"));
    if (plain.match(value).hasMatch())
        return value;
    // Quoted: ", `, $ and \ take a backslash inside the quotes; then the desktop file's own
    // string escaping doubles every backslash.
    QString quoted;
    for (const QChar c : value) {
        if (c == u'"' || c == u'`' || c == u'$' || c == u'\\')
            quoted += QLatin1Char('\\');
        quoted += c;
    }
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

bool enableAutostart(const QString& program, const QStringList& arguments, QString* error)
{
    const QString path = autostartFilePath();
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QCoreApplication::translate("DesktopIntegration", "cannot create %1")
                     .arg(QFileInfo(path).absolutePath());
        return false;
    }
    QStringList exec{quoteExecArgument(program)};
    for (const QString& argument : arguments)
        exec << quoteExecArgument(argument);
    const QString text = QStringLiteral("[Desktop Entry]\n"
                                        "Type=Application\n"
                                        "Name=BHIV Ops Console\n"
                                        "Comment=Start BHIV Ops Console at login\n"
                                        "Exec=%1\n"
                                        "Icon=%2\n"
                                        "Terminal=false\n"
                                        "X-GNOME-Autostart-enabled=true\n")
                             .arg(exec.join(QLatin1Char(' ')), kAppId);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        *error = QCoreApplication::translate("DesktopIntegration", "cannot write %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    return true;
}

bool disableAutostart(QString* error)
{
    QFile file(autostartFilePath());
    if (!file.exists() || file.remove())
        return true;
    *error = QCoreApplication::translate("DesktopIntegration", "cannot remove %1: %2")
                 .arg(file.fileName(), file.errorString());
    return false;
}

void raiseWindow(QWidget* window)
{
    if (window->isMinimized())
        window->showNormal();
    window->show();
    window->raise();
    window->activateWindow();
}

bool minimizeToTray(QWidget* window)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable()) {
        window->showMinimized();
        return false;
    }
    auto* tray = new QSystemTrayIcon(applicationIcon(), window);
    tray->setToolTip(QCoreApplication::translate("DesktopIntegration", "BHIV Ops Console"));
    auto* menu = new QMenu(window);
    QObject::connect(
        menu->addAction(QCoreApplication::translate("DesktopIntegration", "&Show console")),
        &QAction::triggered, window, [window] { raiseWindow(window); });
    QObject::connect(menu->addAction(QCoreApplication::translate("DesktopIntegration", "&Quit")),
                     &QAction::triggered, qApp, &QApplication::quit);
    tray->setContextMenu(menu);
    QObject::connect(tray, &QSystemTrayIcon::activated, window,
                     [window](QSystemTrayIcon::ActivationReason reason) {
                         if (reason != QSystemTrayIcon::Trigger)
                             return;
                         if (window->isVisible() && !window->isMinimized())
                             window->hide();
                         else
                             raiseWindow(window);
                     });
    tray->show();
    window->hide();
    return true;
}

} // namespace DesktopIntegration
