// Every Alt+letter in a window does one thing (#19): the demo console's main window (menus,
// pages, every page's buttons and labels) and each dialog are walked, and no letter is taken
// twice. The menu bar, the page tabs and Alt shortcuts of actions work from every page, so they
// must differ from each other and from every page's own mnemonics; a page's mnemonics must
// differ among themselves (only the page on screen answers to its letters); a menu's items
// among themselves. The window also fits a laptop: 1280x700 or less.
#include "app/console/ConsoleApplication.h"
#include "models/alerts/AlertRule.h"
#include "models/history/HistoryPaths.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/targets/TargetStore.h"
#include "ui/alerts/AlertRulesDialog.h"
#include "ui/deploy/RedeployDialog.h"
#include "ui/shell/MainWindow.h"
#include "ui/targets/TargetsDialog.h"
#include "ui/workflows/CreateJobDialog.h"
#include "ui/workflows/LaunchWorkflowDialog.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>

using namespace ops;

namespace {

// The letter after a single '&' ("&&" is a literal ampersand), lower-cased; 0 when none.
QChar mnemonic(const QString& text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) == u'&') {
            ++i;
            continue;
        }
        return text.at(i + 1).toLower();
    }
    return {};
}

// Letter -> who uses it; a second user is a clash.
struct Letters {
    QMap<QChar, QString> owners;
    QStringList clashes;
    void add(const QString& text, const QString& where)
    {
        const QChar letter = mnemonic(text);
        if (letter.isNull())
            return;
        const QString who = where + QStringLiteral(" \"") + text + u'"';
        if (owners.contains(letter))
            clashes
                << QStringLiteral("Alt+%1: %2 and %3").arg(letter.toUpper(), owners[letter], who);
        else
            owners.insert(letter, who);
    }
    void addShortcut(const QKeySequence& keys, const QString& where)
    {
        if (keys.isEmpty())
            return;
        const QKeyCombination combination = keys[0];
        const Qt::Key key = combination.key();
        if (combination.keyboardModifiers() != Qt::AltModifier || key < Qt::Key_A ||
            key > Qt::Key_Z)
            return;
        add(QStringLiteral("&") + QChar(u'a' + (key - Qt::Key_A)),
            where + QStringLiteral(" shortcut"));
    }
};

// The mnemonics of one widget tree's own buttons, labels, group boxes and tabs (not of nested
// page stacks, which the caller walks one page at a time).
void collect(QWidget* root, Letters& letters, const QString& where)
{
    for (QAbstractButton* button : root->findChildren<QAbstractButton*>())
        if (!qobject_cast<QTabBar*>(button->parentWidget()))
            letters.add(button->text(), where + QStringLiteral(" button"));
    for (QLabel* label : root->findChildren<QLabel*>())
        if (label->buddy())
            letters.add(label->text(), where + QStringLiteral(" label"));
    for (QGroupBox* box : root->findChildren<QGroupBox*>())
        letters.add(box->title(), where + QStringLiteral(" group"));
    for (QTabWidget* tabs : root->findChildren<QTabWidget*>())
        for (int i = 0; i < tabs->count(); ++i)
            letters.add(tabs->tabText(i), where + QStringLiteral(" tab"));
}

void checkMenus(QWidget* window, QStringList& clashes)
{
    for (QMenu* menu : window->findChildren<QMenu*>()) {
        Letters letters;
        for (QAction* action : menu->actions())
            letters.add(action->text(), QStringLiteral("menu %1").arg(menu->title()));
        clashes << letters.clashes;
    }
}

QStringList dialogClashes(QDialog* dialog)
{
    Letters letters;
    collect(dialog, letters, dialog->windowTitle());
    QStringList clashes = letters.clashes;
    checkMenus(dialog, clashes);
    return clashes;
}

} // namespace

class TestMnemonics : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // No history from an earlier run of the suite on the charts.
        QDir(ops::defaultHistoryRoot()).removeRecursively();
        QCoreApplication::setOrganizationName(QStringLiteral("BHIV-test"));
        QCoreApplication::setApplicationName(QStringLiteral("console_mnemonics"));
    }
    void mainWindowLettersAreUnique();
    void dialogLettersAreUnique();
};

void TestMnemonics::mainWindowLettersAreUnique()
{
    ConsoleOptions options;
    options.demo = true;
    options.intervalMs = 1000;
    ConsoleApplication console(options);
    QVERIFY2(console.start(), qPrintable(console.errorString()));
    MainWindow* window = console.window();
    QVERIFY(QTest::qWaitForWindowExposed(window));

    // What answers from every page: the menu bar, the page tabs, Alt shortcuts.
    Letters global;
    for (QAction* action : window->menuBar()->actions())
        global.add(action->text(), QStringLiteral("menu bar"));
    QTabWidget* pages = window->pages();
    for (int i = 0; i < pages->count(); ++i)
        global.add(pages->tabText(i), QStringLiteral("page tab"));
    for (QAction* action : window->findChildren<QAction*>())
        global.addShortcut(action->shortcut(), action->text());
    QStringList clashes = global.clashes;
    if (QWidget* strip = window->firingStrip())
        collect(strip, global, QStringLiteral("firing strip"));
    clashes << global.clashes;
    clashes.removeDuplicates();

    // Each page: its own letters, none taken by the window.
    for (int i = 0; i < pages->count(); ++i) {
        Letters page = global;
        page.clashes.clear();
        collect(pages->widget(i), page, pages->tabText(i).remove(u'&'));
        clashes << page.clashes;
    }
    checkMenus(window, clashes);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(u'\n')));

    // Fits a laptop: the status bar (the connection state) stays on a 1280x720 screen.
    const QSize minimum = window->minimumSizeHint().expandedTo(window->minimumSize());
    QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 700,
             qPrintable(QStringLiteral("%1x%2").arg(minimum.width()).arg(minimum.height())));
    window->resize(1280, 700);
    QApplication::processEvents();
    QVERIFY2(window->height() <= 700, qPrintable(QString::number(window->height())));
    QVERIFY(window->statusBar()->isVisible());
    QVERIFY(window->statusBar()->geometry().bottom() < window->height());
}

void TestMnemonics::dialogLettersAreUnique()
{
    QStringList clashes;
    AlertRulesDialog rules(defaultAlertRules());
    clashes << dialogClashes(&rules);
    LaunchWorkflowDialog launch(QStringLiteral("prod"), Dialect::Plan, false);
    clashes << dialogClashes(&launch);
    CreateJobDialog job(QStringLiteral("prod"), false);
    clashes << dialogClashes(&job);
    RedeployDialog redeploy(RedeployDialog::Kind::Redeploy, QStringLiteral("prod"),
                            QStringLiteral("https://prod.example"), QStringLiteral("gateway"),
                            QStringLiteral("abc123"));
    clashes << dialogClashes(&redeploy);
    TargetStore store;
    MemorySecretStore keychain;
    MemorySecretStore session;
    TargetsDialog targets(&store, &keychain, &session);
    clashes << dialogClashes(&targets);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(u'\n')));
}

QTEST_MAIN(TestMnemonics)
#include "TestMnemonics.moc"
