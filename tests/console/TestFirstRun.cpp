// The first run (#19.1) of the real console wiring, with nothing saved (temporary XDG folders):
// the main window opens welcoming, with the targets dialog on top of it; closing the dialog with
// nothing saved leaves the window (the console runs on); a target saved in the dialog (a real
// simulator) or the demo chosen there is watched at once and the window fills in, no restart.
#include "app/console/ConsoleApplication.h"
#include "models/domain/ConnectionState.h"
#include "models/fleet/Fleet.h"
#include "models/fleet/TargetSession.h"
#include "models/monitor/TargetMonitor.h"
#include "models/targets/TargetStore.h"
#include "tests/support/SimulatorProcess.h"
#include "tests/support/TestData.h"
#include "ui/shell/MainWindow.h"
#include "ui/targets/TargetsDialog.h"
#include "ui/workflows/WorkflowsPage.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QWindow>

#include <algorithm>

using namespace ops;

namespace {

QPushButton* buttonTexted(QWidget* parent, const QString& text)
{
    for (QPushButton* button : parent->findChildren<QPushButton*>())
        if (button->text() == text)
            return button;
    return nullptr;
}

TargetsDialog* openDialog(const MainWindow* window)
{
    TargetsDialog* dialog = window->findChild<TargetsDialog*>();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

QStringList tabTitles(const QTabWidget* pages)
{
    QStringList titles;
    for (int i = 0; i < pages->count(); ++i)
        titles << pages->tabText(i).remove(u'&');
    return titles;
}

} // namespace

class TestFirstRun : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    test::SimulatorProcess m_sim;

    // The window a first run shows: visible, welcoming, the dialog on top offering the demo.
    static void checkWelcome(ConsoleApplication& console, QPointer<TargetsDialog>& dialog)
    {
        MainWindow* window = console.window();
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY(window->isVisible());
        QVERIFY(window->isWelcoming());
        QVERIFY2(window->welcomeText().contains(QStringLiteral("Add the gateway you want to "
                                                               "watch, or try the demo")),
                 qPrintable(window->welcomeText()));
        QVERIFY(!console.fleet()->current());
        QVERIFY(window->statusBar()->isVisible());
        QTRY_VERIFY((dialog = openDialog(window)));
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        // On top of the window: its own window, a transient of the main window.
        QVERIFY(dialog->isWindow());
        QCOMPARE(dialog->parentWidget(), window);
        QVERIFY(dialog->windowHandle());
        QCOMPARE(dialog->windowHandle()->transientParent(), window->windowHandle());
        auto* guidance = dialog->findChild<QLabel*>(QStringLiteral("firstRunWelcome"));
        QVERIFY(guidance && guidance->isVisible());
        QVERIFY(buttonTexted(dialog, QStringLiteral("Try the de&mo"))->isVisible());
    }

    // The watched target fills the window: the dashboard's pages and the others, its data.
    static void checkFilled(ConsoleApplication& console, const QString& name)
    {
        MainWindow* window = console.window();
        QTRY_VERIFY_WITH_TIMEOUT(console.fleet()->current(), 5000);
        QCOMPARE(console.fleet()->current()->name(), name);
        QVERIFY(window->isVisible());
        QVERIFY(!window->isWelcoming());
        QVERIFY(window->welcomeText().isEmpty());
        QVERIFY(window->dashboard());
        QVERIFY(window->pages()->isVisible());
        const QStringList titles = tabTitles(window->pages());
        for (const char* title : {"Overview", "Endpoints", "Health", "Workflows", "Deploys", "Logs",
                                  "Audit", "Alerts", "Timeline"})
            QVERIFY2(titles.contains(QLatin1String(title)), qPrintable(titles.join(u',')));
        QCOMPARE(window->pages()->currentIndex(), 0);
        QVERIFY(window->firingStrip());
        QVERIFY(console.workflowsPage());
        QCOMPARE(console.workflowsPage()->client()->targetName(), name);
        QCOMPARE(window->monitor(), console.fleet()->current()->monitor());
        QVERIFY(window->windowTitle().contains(console.fleet()->current()->label()));
        QTRY_VERIFY_WITH_TIMEOUT(window->monitor()->hasData(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(isAnswering(window->monitor()->state()), 10000);
        QCOMPARE(window->connectionText(), connectionStateName(window->monitor()->state()));
        QVERIFY(window->rulesAction()->isEnabled());
        QVERIFY(window->exportAction()->isEnabled());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Nothing saved: the console's stores and settings in folders of their own.
        test::useOwnUserFolders(m_dir.path());
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(m_sim.error()));
    }

    void init()
    {
        // Each case is a first run: no targets file.
        QFile::remove(TargetStore().path());
        QVERIFY(!QFile::exists(TargetStore().path()));
    }

    void closeLeavesTheWindowAndASavedTargetFillsIt()
    {
        ConsoleOptions options;
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        QPointer<TargetsDialog> dialog;
        checkWelcome(console, dialog);
        if (QTest::currentTestFailed())
            return;
        MainWindow* window = console.window();

        // Close with nothing saved: the window stays, welcoming, with the status bar saying
        // what to do; nothing is watched.
        dialog->reject();
        QTRY_VERIFY(!dialog || !dialog->isVisible());
        QTest::qWait(200);
        QVERIFY(window->isVisible());
        QVERIFY(window->isWelcoming());
        QVERIFY(!console.fleet()->current());
        const QWidgetList shown = QApplication::topLevelWidgets();
        QVERIFY(std::any_of(shown.begin(), shown.end(),
                            [window](QWidget* w) { return w == window && w->isVisible(); }));
        // A picture of the welcome, for a look.
        const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR", QDir::tempPath());
        QVERIFY(window->grab().save(dir + QStringLiteral("/first-run-welcome.png")));

        // File > Targets… brings the dialog back; a target saved there is watched at once.
        QVERIFY(window->targetsAction()->isEnabled());
        window->targetsAction()->trigger();
        QTRY_VERIFY((dialog = openDialog(window)));
        auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("targetName"));
        auto* url = dialog->findChild<QLineEdit*>(QStringLiteral("targetUrl"));
        QVERIFY(name && url);
        name->setText(QStringLiteral("staging"));
        url->setText(m_sim.url().toString());
        buttonTexted(dialog, QStringLiteral("&Save"))->click();
        checkFilled(console, QStringLiteral("staging"));
        // The dialog stays open for more targets; its demo offer is over.
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY(!buttonTexted(dialog, QStringLiteral("Try the de&mo"))->isVisible());
        dialog->close();
        TargetStore saved;
        QVERIFY(saved.load());
        QVERIFY(saved.find(QStringLiteral("staging")).has_value());
    }

    void theDemoChosenFillsTheWindow()
    {
        ConsoleOptions options;
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        QPointer<TargetsDialog> dialog;
        checkWelcome(console, dialog);
        if (QTest::currentTestFailed())
            return;
        buttonTexted(dialog, QStringLiteral("Try the de&mo"))->click();
        checkFilled(console, QStringLiteral("demo"));
        QTRY_VERIFY(!dialog || !dialog->isVisible());
        // Nothing was saved: the demo is not a saved target.
        TargetStore saved;
        QVERIFY(saved.load());
        QVERIFY(saved.targets().isEmpty());
    }

    void theWelcomePageOffersTheDemoToo()
    {
        ConsoleOptions options;
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        QPointer<TargetsDialog> dialog;
        checkWelcome(console, dialog);
        if (QTest::currentTestFailed())
            return;
        dialog->reject();
        QTRY_VERIFY(!dialog || !dialog->isVisible());
        auto* demo = console.window()->findChild<QPushButton*>(QStringLiteral("welcomeDemo"));
        QVERIFY(demo && demo->isVisible());
        demo->click();
        checkFilled(console, QStringLiteral("demo"));
    }

    void cleanupTestCase() { m_sim.stop(); }
};

QTEST_MAIN(TestFirstRun)
#include "TestFirstRun.moc"
