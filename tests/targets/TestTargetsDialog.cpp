// The targets dialog offscreen, on a real TargetStore file and memory secret stores: a target
// typed in with its keys, metric names and the Prometheus / Alertmanager settings is saved with
// every secret in the (keychain) store and none in the file; an unknown metric role or a
// keychain that refuses keeps it unsaved with the reason shown; selecting it shows it again.
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/targets/TargetStore.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/Theme.h"
#include "ui/targets/TargetsDialog.h"
#include "ui/targets/TargetsPanel.h"

#include <QApplication>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QTcpServer>
#include <functional>

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

const QByteArray kApiKey = "dlg-api-key-1f2e3d";
const QByteArray kPromToken = "dlg-prom-token-4c5b6a";
const QByteArray kAmPassword = "dlg-am-password-7d8e9f";

QLineEdit* field(QWidget* dialog, const char* name)
{
    return dialog->findChild<QLineEdit*>(QLatin1String(name));
}

void type(QWidget* dialog, const char* name, const QString& text)
{
    QLineEdit* edit = field(dialog, name);
    QVERIFY2(edit, name);
    edit->clear();
    QTest::keyClicks(edit, text);
}

QPushButton* buttonTexted(QWidget* parent, const QString& text)
{
    for (QPushButton* button : parent->findChildren<QPushButton*>())
        if (button->text() == text)
            return button;
    return nullptr;
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

} // namespace

class TestTargetsDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    // #19: Name and URL first, the expert fields under "Advanced"; Test ends in words within
    // the target's timeouts even when nothing answers the request.
    void newcomerFieldsFirstAndTestAlwaysEnds()
    {
        TargetStore store(m_dir.filePath(QStringLiteral("first-run.json")));
        QVERIFY(store.load());
        MemorySecretStore keychain;
        MemorySecretStore session;
        TargetsDialog dialog(&store, &keychain, &session);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(field(&dialog, "targetName")->isVisible());
        QVERIFY(field(&dialog, "targetUrl")->isVisible());
        auto* advanced = dialog.findChild<QWidget*>(QStringLiteral("advancedFields"));
        QVERIFY(advanced);
        QVERIFY(!advanced->isVisible());
        QVERIFY(!field(&dialog, "metricMapping")->isVisible());
        auto* toggle = dialog.findChild<QAbstractButton*>(QStringLiteral("advancedToggle"));
        toggle->click();
        QVERIFY(field(&dialog, "metricMapping")->isVisible());

        type(&dialog, "targetName", QStringLiteral("quiet"));
        type(&dialog, "targetUrl", QStringLiteral("http://127.0.0.1:9"));
        for (const char* name : {"connectTimeout", "readTimeout"})
            dialog.findChild<QDoubleSpinBox*>(QLatin1String(name))->setValue(0.1);
        for (QCheckBox* box : dialog.findChildren<QCheckBox*>())
            if (box->text().startsWith(QStringLiteral("Allow plain http")))
                box->setChecked(true);
        QSignalSpy asked(&dialog, &TargetsDialog::testRequested);
        QPushButton* test = nullptr;
        for (QPushButton* button : dialog.findChildren<QPushButton*>())
            if (button->text() == QStringLiteral("&Test"))
                test = button;
        QVERIFY(test);
        test->click();
        QCOMPARE(asked.size(), 1);
        QVERIFY2(dialog.testResultText().startsWith(QStringLiteral("Testing")),
                 qPrintable(dialog.testResultText()));
        // Nobody answers the request here: the dialog says so once the timeouts have passed.
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog.testResultText().contains(QStringLiteral("no answer within")), 6000);
        // An answer that arrives is shown as it is, and no later "no answer" overwrites it.
        test->click();
        dialog.showTestResult(QStringLiteral("quiet"), QStringLiteral("up (dialect plan)"), true);
        QTest::qWait(3500);
        QVERIFY2(dialog.testResultText().contains(QStringLiteral("up (dialect plan)")),
                 qPrintable(dialog.testResultText()));
    }
    void savesEverythingWithSecretsInTheKeychainOnly()
    {
        const QString path = m_dir.filePath(QStringLiteral("targets.json"));
        TargetStore store(path);
        QVERIFY(store.load());
        MemorySecretStore keychain;
        MemorySecretStore session;
        TargetsDialog dialog(&store, &keychain, &session);
        dialog.show();
        QSignalSpy saved(&dialog, &TargetsDialog::targetSaved);

        type(&dialog, "targetName", QStringLiteral("staging"));
        type(&dialog, "targetUrl", QStringLiteral("https://staging.example.org"));
        type(&dialog, "apiKey", QString::fromLatin1(kApiKey));
        type(&dialog, "metricMapping", QStringLiteral("memory=process_virtual_memory_bytes"));
        type(&dialog, "prometheusUrl", QStringLiteral("https://prometheus.example.org"));
        type(&dialog, "prometheusSelector", QStringLiteral("job=\"bhiv-gateway\""));
        type(&dialog, "prometheusCredential", QString::fromLatin1(kPromToken));
        type(&dialog, "alertmanagerUrl", QStringLiteral("https://am.example.org"));
        type(&dialog, "alertmanagerCredential", QString::fromLatin1(kAmPassword));
        const auto combos = dialog.findChildren<QComboBox*>();
        // The two authentication choosers follow the dialect combo; pick Bearer and basic.
        QComboBox* promAuth = nullptr;
        QComboBox* amAuth = nullptr;
        for (QComboBox* c : combos) {
            if (c->findData(QStringLiteral("bearer")) >= 0)
                (promAuth ? amAuth : promAuth) = c;
        }
        QVERIFY(promAuth && amAuth);
        promAuth->setCurrentIndex(promAuth->findData(QStringLiteral("bearer")));
        amAuth->setCurrentIndex(amAuth->findData(QStringLiteral("basic")));
        // An unknown metric role: not saved, and the reason is shown.
        type(&dialog, "metricMapping", QStringLiteral("memroy=process_virtual_memory_bytes"));
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("saveTarget")),
                          Qt::LeftButton);
        QVERIFY(saved.isEmpty());
        QVERIFY(store.find(QStringLiteral("staging")) == std::nullopt);
        QVERIFY2(dialog.findChild<QLabel*>(QStringLiteral("targetTestResult"))
                     ->text()
                     .contains(QStringLiteral("memroy")),
                 qPrintable(dialog.findChild<QLabel*>(QStringLiteral("targetTestResult"))->text()));

        // A keychain that refuses: not saved either, the banner says why, nothing in the file.
        type(&dialog, "metricMapping", QStringLiteral("memory=process_virtual_memory_bytes"));
        keychain.setFailure(SecretError::Locked);
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("saveTarget")),
                          Qt::LeftButton);
        QTRY_VERIFY(dialog.findChild<QLabel*>(QStringLiteral("keychainBanner"))->isVisible());
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("keychainBanner"))
                    ->text()
                    .contains(QStringLiteral("locked")));
        QVERIFY(saved.isEmpty());
        QVERIFY(store.find(QStringLiteral("staging")) == std::nullopt);

        // The keychain works again: saved.
        keychain.setFailure(SecretError::None);
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("saveTarget")),
                          Qt::LeftButton);
        QTRY_COMPARE(saved.size(), 1);
        TargetStore reread(path);
        QVERIFY(reread.load());
        const auto target = reread.find(QStringLiteral("staging"));
        QVERIFY(target);
        QCOMPARE(target->baseUrl, QUrl(QStringLiteral("https://staging.example.org")));
        QCOMPARE(target->metricMapping.value(QStringLiteral("memory")),
                 QStringLiteral("process_virtual_memory_bytes"));
        QCOMPARE(target->dataSource.kind, DataSourceConfig::Kind::Prometheus);
        QCOMPARE(target->dataSource.url, QUrl(QStringLiteral("https://prometheus.example.org")));
        QCOMPARE(target->dataSource.selector, QStringLiteral("job=\"bhiv-gateway\""));
        QCOMPARE(target->dataSource.auth, QStringLiteral("bearer"));
        QCOMPARE(target->alertmanager.url, QUrl(QStringLiteral("https://am.example.org")));
        QCOMPARE(target->alertmanager.auth, QStringLiteral("basic"));
        // Every secret in the keychain, none in the file.
        QByteArray value;
        keychain.read(secretKeyGatewayApiKey(QStringLiteral("staging")),
                      [&](const SecretResult& r) { value = r.value; });
        QTRY_COMPARE(value, kApiKey);
        keychain.read(secretKeyPrometheusCredential(QStringLiteral("staging")),
                      [&](const SecretResult& r) { value = r.value; });
        QTRY_COMPARE(value, kPromToken);
        keychain.read(secretKeyAlertmanagerCredential(QStringLiteral("staging")),
                      [&](const SecretResult& r) { value = r.value; });
        QTRY_COMPARE(value, kAmPassword);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray onDisk = file.readAll();
        for (const QByteArray& secret : {kApiKey, kPromToken, kAmPassword})
            QVERIFY2(!onDisk.contains(secret), secret.constData());
        // The typed secrets are gone from the form once stored.
        for (const char* name : {"apiKey", "prometheusCredential", "alertmanagerCredential"})
            QVERIFY2(field(&dialog, name)->text().isEmpty(), name);

        // Shown again when selected: the settings, and the secrets only as "stored".
        TargetsDialog again(&reread, &keychain, &session);
        again.show();
        again.selectTarget(QStringLiteral("staging"));
        QCOMPARE(field(&again, "prometheusUrl")->text(),
                 QStringLiteral("https://prometheus.example.org"));
        QCOMPARE(field(&again, "alertmanagerUrl")->text(),
                 QStringLiteral("https://am.example.org"));
        QCOMPARE(field(&again, "metricMapping")->text(),
                 QStringLiteral("memory=process_virtual_memory_bytes"));
        QTRY_VERIFY(field(&again, "prometheusCredential")
                        ->placeholderText()
                        .contains(QStringLiteral("stored in keychain")));
        QVERIFY(field(&again, "prometheusCredential")->text().isEmpty());
        QCOMPARE(field(&again, "prometheusCredential")->echoMode(), QLineEdit::Password);
        // A picture of the Prometheus & Alertmanager tab, for a look.
        again.findChild<QTabWidget*>(QStringLiteral("targetSections"))->setCurrentIndex(2);
        const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR", QDir::tempPath());
        QVERIFY(again.grab().save(dir + QStringLiteral("/targets-dialog-team.png")));
    }

    // #21: the history limits are under Advanced, in hours, days and MB; a new target starts
    // with the defaults, what is saved is shown again, and limits that contradict each other
    // are refused with the reason.
    void historyLimitsUnderAdvanced()
    {
        const QString path = m_dir.filePath(QStringLiteral("history-limits.json"));
        TargetStore store(path);
        QVERIFY(store.load());
        MemorySecretStore keychain;
        MemorySecretStore session;
        TargetsDialog dialog(&store, &keychain, &session);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* hours = dialog.findChild<QSpinBox*>(QStringLiteral("historyRawHours"));
        auto* days = dialog.findChild<QSpinBox*>(QStringLiteral("historyRollupDays"));
        auto* capMb = dialog.findChild<QSpinBox*>(QStringLiteral("historyCapMb"));
        QVERIFY(hours && days && capMb);
        QVERIFY(!hours->isVisible()); // expert fields: under Advanced
        QCOMPARE(hours->value(), 48);
        QCOMPARE(days->value(), 30);
        QCOMPARE(capMb->value(), 256);
        QCOMPARE(hours->suffix(), QStringLiteral(" h"));
        QCOMPARE(days->suffix(), QStringLiteral(" days"));
        QCOMPARE(capMb->suffix(), QStringLiteral(" MB"));
        QCOMPARE(hours->maximum(), 720);
        QCOMPARE(capMb->minimum(), 16);
        dialog.findChild<QAbstractButton*>(QStringLiteral("advancedToggle"))->click();
        QVERIFY(hours->isVisible() && days->isVisible() && capMb->isVisible());

        QSignalSpy saved(&dialog, &TargetsDialog::targetSaved);
        auto* save = dialog.findChild<QPushButton*>(QStringLiteral("saveTarget"));
        type(&dialog, "targetName", QStringLiteral("archive"));
        type(&dialog, "targetUrl", QStringLiteral("https://archive.example.org"));
        // Three days of every poll, but one minute rollups kept for two days only: refused.
        hours->setValue(72);
        days->setValue(2);
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(saved.isEmpty());
        QVERIFY(!store.find(QStringLiteral("archive")));
        QVERIFY2(dialog.testResultText().contains(QStringLiteral("at least as far back")),
                 qPrintable(dialog.testResultText()));

        days->setValue(400);
        capMb->setValue(4096);
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_COMPARE(saved.size(), 1);
        TargetStore reread(path);
        QVERIFY(reread.load());
        const auto target = reread.find(QStringLiteral("archive"));
        QVERIFY(target);
        QCOMPARE(target->history, (HistoryRetention{72, 400, 4096}));

        // Shown again when selected; a new target starts from the defaults again.
        TargetsDialog again(&reread, &keychain, &session);
        again.selectTarget(QStringLiteral("archive"));
        QCOMPARE(again.findChild<QSpinBox*>(QStringLiteral("historyRawHours"))->value(), 72);
        QCOMPARE(again.findChild<QSpinBox*>(QStringLiteral("historyRollupDays"))->value(), 400);
        QCOMPARE(again.findChild<QSpinBox*>(QStringLiteral("historyCapMb"))->value(), 4096);
        buttonTexted(&again, QStringLiteral("Ne&w"))->click();
        QCOMPARE(again.findChild<QSpinBox*>(QStringLiteral("historyRawHours"))->value(), 48);
        QCOMPARE(again.findChild<QSpinBox*>(QStringLiteral("historyCapMb"))->value(), 256);
        // Pictures of the Advanced fields in both palettes, for a look.
        const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR", QDir::tempPath());
        for (const QString& palette : {QStringLiteral("dark"), QStringLiteral("light")}) {
            QVERIFY(applyPalette(palette));
            QTest::qWait(100); // the palette reaches the widgets through posted events
            QVERIFY(dialog.grab().save(
                dir + QStringLiteral("/targets-dialog-advanced-%1.png").arg(palette)));
        }
    }

    // #19.1: a first run opens the main window welcoming, with the dialog on top; the dialog
    // says what to do, its Test asks the gateway for real (a closed port answers "unreachable"
    // at once, not the dialog's own "no answer within"), and Close with nothing saved leaves the
    // window, whose buttons bring the dialog back or choose the demo. (The console's whole first
    // run, the window filling in and quitting, is console_first_run.)
    void firstRunWelcomesAndCloseLeavesTheWindow()
    {
        auto owned = std::make_unique<TargetStore>(m_dir.filePath(QStringLiteral("welcome.json")));
        QVERIFY(owned->load());
        TargetStore* store = owned.get();
        MemorySecretStore keychain;
        MemorySecretStore session;
        ChainedSecretStore secrets(&session, &keychain);
        QNetworkAccessManager network;
        SystemClock clock;
        Fleet fleet(FleetContext{&network, &clock, &secrets, nullptr});
        fleet.useSavedTargets(std::move(owned));
        const QString closedUrl = QStringLiteral("http://127.0.0.1:%1").arg(closedPort());

        MainWindow window(nullptr, QString());
        TargetsPanel panel(&fleet, &secrets, &window);
        QSignalSpy dialogDemo(&panel, &TargetsPanel::demoRequested);
        QSignalSpy welcomeDemo(&window, &MainWindow::demoRequested);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        panel.startFirstRun();

        // The dialog, on top of the welcoming window, says what to do.
        QPointer<TargetsDialog> dialog = window.findChild<TargetsDialog*>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(dialog->isWindow());
        QCOMPARE(dialog->parentWidget(), &window);
        QVERIFY(window.isVisible());
        QVERIFY(window.isWelcoming());
        QVERIFY(!window.dashboard());
        auto* guidance = dialog->findChild<QLabel*>(QStringLiteral("firstRunWelcome"));
        QVERIFY(guidance);
        QVERIFY(guidance->isVisible());
        QVERIFY(guidance->text().contains(u"demo"));

        type(dialog, "targetName", QStringLiteral("closed"));
        type(dialog, "targetUrl", closedUrl);
        QPushButton* test = buttonTexted(dialog, QStringLiteral("&Test"));
        QVERIFY(test);
        test->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->testResultText().startsWith(QStringLiteral("Testing")),
                                 15000);
        const QString testAnswer = dialog->testResultText();
        QVERIFY2(testAnswer.contains(QStringLiteral("unreachable")) &&
                     !testAnswer.contains(QStringLiteral("no answer within")),
                 qPrintable(testAnswer));

        // Close with nothing saved: the window stays, welcoming.
        dialog->reject();
        QTRY_VERIFY(!dialog || !dialog->isVisible());
        QVERIFY(window.isVisible());
        QVERIFY2(window.welcomeText().contains(QStringLiteral("Add the gateway you want to watch")),
                 qPrintable(window.welcomeText()));

        // Add brings the dialog back, still offering the demo; the demo from there...
        auto* add = window.findChild<QPushButton*>(QStringLiteral("welcomeAdd"));
        QVERIFY(add && add->isVisible());
        add->click();
        QTRY_VERIFY((dialog = window.findChild<TargetsDialog*>()) && dialog->isVisible());
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("firstRunWelcome"))->isVisible());
        QPushButton* demo = buttonTexted(dialog, QStringLiteral("Try the de&mo"));
        QVERIFY(demo && demo->isVisible());
        demo->click();
        QCOMPARE(dialogDemo.count(), 1);
        QTRY_VERIFY(!dialog || !dialog->isVisible());
        // ... or from the welcome page.
        auto* welcomeDemoButton = window.findChild<QPushButton*>(QStringLiteral("welcomeDemo"));
        QVERIFY(welcomeDemoButton && welcomeDemoButton->isVisible());
        welcomeDemoButton->click();
        QCOMPARE(welcomeDemo.count(), 1);
        QVERIFY(store->targets().isEmpty());
        QVERIFY(window.isVisible());
    }
};

QTEST_MAIN(TestTargetsDialog)
#include "TestTargetsDialog.moc"
