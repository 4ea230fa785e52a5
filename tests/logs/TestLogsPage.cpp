// The Logs tab (ui/logs/LogsPage) over a fleet whose sessions carry the ServiceLogs capability,
// offscreen against the real simulator: lines arrive live, a pause counts what came meanwhile,
// filters (and an invalid regex in words), find, export as text and JSON Lines, what a target
// without a Render service says, and the error states (a refused key, 429 backoff with its
// countdown, an API that refuses the connection).
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/logs/LogLineModel.h"
#include "models/logs/ServiceLogs.h"
#include "tests/support/SimulatedTargetRig.h"
#include "ui/logs/LogsPage.h"
#include "ui/shell/Theme.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListView>
#include <QScrollBar>
#include <QTcpServer>
#include <QTest>

#include <algorithm>
#include <limits>

using namespace ops;

namespace {

const QString kService = QStringLiteral("srv-d0bhivgateway901a");

int rowsContaining(const LogsPage& page, const QString& text)
{
    QAbstractItemModel* model = page.view()->model();
    if (!model)
        return 0;
    int n = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(LogLineModel::MessageRole).toString().contains(text))
            ++n;
    }
    return n;
}

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
    return dir.isEmpty() ? QDir::tempPath() : dir;
}

} // namespace

class TestLogsPage : public QObject {
    Q_OBJECT

private:
    test::SimulatedTargetRig m_rig;

    std::unique_ptr<Fleet> makeFleet()
    {
        auto fleet = std::make_unique<Fleet>(m_rig.context());
        fleet->addCapability([](TargetSession& session) -> std::unique_ptr<SessionCapability> {
            return std::make_unique<ServiceLogs>(session);
        });
        return fleet;
    }

    Target target(const QString& name, const QUrl& renderApi, const QByteArray& key)
    {
        Target t = m_rig.target(name);
        if (renderApi.isValid()) {
            RenderService render = m_rig.renderService(kService);
            render.apiBaseUrl = renderApi;
            t.services = {render};
            [&] {
                QVERIFY(
                    writeSecretSync(m_rig.sessionSecrets, secretKeyRenderApiKey(name), key).ok());
            }();
        }
        return t;
    }

    void emitLines(int count, const QString& message, const QString& level = QStringLiteral("info"))
    {
        const QJsonObject emitted{{QStringLiteral("count"), count},
                                  {QStringLiteral("message"), message},
                                  {QStringLiteral("level"), level}};
        QCOMPARE(m_rig.sim.post(QStringLiteral("/__sim/logs"),
                                QJsonDocument(QJsonObject{{QStringLiteral("emit"), emitted}})
                                    .toJson(QJsonDocument::Compact)),
                 200);
    }

    // A fleet watching `name` with its Logs page live.
    struct Watched {
        std::unique_ptr<Fleet> fleet;
        std::unique_ptr<LogsPage> page;
    };
    Watched watch(const Target& t)
    {
        Watched w;
        w.fleet = makeFleet();
        [&] { QVERIFY(w.fleet->setCurrent(w.fleet->addUnsaved(t)->id())); }();
        w.page = std::make_unique<LogsPage>(w.fleet.get());
        w.page->resize(1280, 720);
        w.page->show();
        w.fleet->start();
        return w;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_rig.start({QStringLiteral("--log-rate"), QStringLiteral("0")}),
                 qPrintable(m_rig.error()));
        QCOMPARE(m_rig.liftRenderRateLimit(), 200);
    }
    void cleanupTestCase() { m_rig.sim.stop(); }
    void cleanup() { m_rig.sim.post(QStringLiteral("/__sim/logs"), R"({"clear": true})"); }

    void linesArriveAndPauseCounts()
    {
        Watched w = watch(target(QStringLiteral("live"), m_rig.renderApi(), "rnd-sim-key"));
        LogsPage& page = *w.page;
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().startsWith(QStringLiteral("live")), 15000);
        QVERIFY(page.noticeText().isEmpty());
        QVERIFY(page.statusText().contains(QStringLiteral("MB"))); // units on the numbers

        emitLines(5, QStringLiteral("ui-first"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-first")), 5, 10000);

        page.setFollowing(false);
        const int rows = page.view()->model()->rowCount();
        emitLines(7, QStringLiteral("ui-while-paused"));
        QTRY_COMPARE_WITH_TIMEOUT(page.pausedText(), QStringLiteral("7 new lines while paused"),
                                  10000);
        QCOMPARE(page.view()->model()->rowCount(), rows); // the view held still
        page.setFollowing(true);
        QCOMPARE(rowsContaining(page, QStringLiteral("ui-while-paused")), 7);
        QVERIFY(page.pausedText().isEmpty());
    }

    void filtersFindAndExport()
    {
        Watched w = watch(target(QStringLiteral("filters"), m_rig.renderApi(), "rnd-sim-key"));
        LogsPage& page = *w.page;
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().startsWith(QStringLiteral("live")), 15000);
        emitLines(3, QStringLiteral("ui-boom"), QStringLiteral("error"));
        emitLines(4, QStringLiteral("ui-calm"), QStringLiteral("info"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-calm")), 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-boom")), 3, 10000);

        // Errors only.
        page.setLevelIndex(1);
        QCOMPARE(rowsContaining(page, QStringLiteral("ui-calm")), 0);
        QCOMPARE(rowsContaining(page, QStringLiteral("ui-boom")), 3);
        for (int row = 0; row < page.view()->model()->rowCount(); ++row) {
            const auto level = static_cast<LogLevel>(
                page.view()->model()->index(row, 0).data(LogLineModel::LevelRole).toInt());
            QVERIFY(level == LogLevel::Error || level == LogLevel::Critical);
        }
        page.setLevelIndex(0);

        // Text, and an invalid regex said in words.
        page.setFilterText(QStringLiteral("ui-(calm"), true);
        QVERIFY2(page.filterErrorText().contains(QStringLiteral("regular expression"),
                                                 Qt::CaseInsensitive),
                 qPrintable(page.filterErrorText()));
        QCOMPARE(page.view()->model()->rowCount(), 0);
        page.setFilterText(QStringLiteral("ui-(calm|boom)"), true);
        QVERIFY(page.filterErrorText().isEmpty());
        QCOMPARE(page.view()->model()->rowCount(), 7);

        // Find: the next match is selected and the view pauses on it.
        page.setSearch(QStringLiteral("ui-boom"));
        const int found = page.findNext();
        QVERIFY(found >= 0);
        QVERIFY(page.view()->model()->index(found, 0).data().toString().contains(
            QStringLiteral("ui-boom")));
        QCOMPARE(page.view()->currentIndex().row(), found);
        QVERIFY(!page.isFollowing());
        page.setSearch(QStringLiteral("no-such-words"));
        QCOMPARE(page.findNext(), -1);

        // Export what is shown: text and JSON Lines, oldest first.
        const QString text = m_rig.filePath(QStringLiteral("shown.log"));
        const QString jsonl = m_rig.filePath(QStringLiteral("shown.jsonl"));
        QString error;
        QVERIFY2(page.exportTo(text, &error), qPrintable(error));
        QVERIFY2(page.exportTo(jsonl, &error), qPrintable(error));
        QFile textFile(text);
        QVERIFY(textFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> textLines = textFile.readAll().trimmed().split('\n');
        QCOMPARE(textLines.size(), 7);
        for (const QByteArray& line : textLines)
            QVERIFY2(line.contains("ui-calm") || line.contains("ui-boom"), line.constData());
        QVERIFY(textLines.first().contains(" UTC "));
        QFile jsonFile(jsonl);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> jsonLines = jsonFile.readAll().trimmed().split('\n');
        QCOMPARE(jsonLines.size(), 7);
        QStringList levels;
        for (const QByteArray& line : jsonLines) {
            QJsonParseError parse;
            const QJsonObject o = QJsonDocument::fromJson(line, &parse).object();
            QCOMPARE(parse.error, QJsonParseError::NoError);
            QVERIFY(!o.value(QStringLiteral("id")).toString().isEmpty());
            QVERIFY(
                o.value(QStringLiteral("message")).toString().startsWith(QStringLiteral("ui-")));
            levels << o.value(QStringLiteral("level")).toString();
        }
        QCOMPARE(levels.count(QStringLiteral("error")), 3);
        // A file that cannot be written: false, in words, nothing half-written.
        const QString nowhere = m_rig.filePath(QStringLiteral("no-such-dir/out.log"));
        QVERIFY(!page.exportTo(nowhere, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!QFile::exists(nowhere));
    }

    void noServiceSaysSoAndHow()
    {
        Watched w = watch(target(QStringLiteral("bare"), QUrl(), {}));
        QTRY_VERIFY(w.page->noticeText().contains(QStringLiteral("no Render service")));
        QVERIFY(w.page->noticeText().contains(QStringLiteral("targets dialog")));
        QVERIFY(w.page->logs());
        QCOMPARE(w.page->logs()->availability(), ServiceLogs::Availability::NoService);
    }

    void refusedKeyIsSaidAndStops()
    {
        Watched w = watch(target(QStringLiteral("refused"), m_rig.renderApi(), "not-the-key"));
        QTRY_VERIFY_WITH_TIMEOUT(w.page->statusText().startsWith(QStringLiteral("stopped")), 15000);
        QVERIFY2(w.page->statusText().contains(QStringLiteral("401")),
                 qPrintable(w.page->statusText()));
        QVERIFY(!w.page->statusText().contains(QStringLiteral("not-the-key")));
    }

    void refusedSubscribeShowsTheCountdownThenLive()
    {
        QCOMPARE(m_rig.sim.post(QStringLiteral("/__sim/logs"),
                                R"({"refuse": {"status": 429, "count": 2, "retry_after": 1}})"),
                 200);
        Watched w = watch(target(QStringLiteral("limited"), m_rig.renderApi(), "rnd-sim-key"));
        QTRY_VERIFY_WITH_TIMEOUT(w.page->statusText().startsWith(QStringLiteral("reconnecting in")),
                                 15000);
        QVERIFY2(w.page->statusText().contains(QStringLiteral("429")),
                 qPrintable(w.page->statusText()));
        QVERIFY(w.page->statusText().contains(QStringLiteral(" s")));
        QTRY_VERIFY_WITH_TIMEOUT(w.page->statusText().startsWith(QStringLiteral("live")), 20000);
    }

    void apiThatRefusesTheConnection()
    {
        // A port that was just free: nothing listens there.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        Watched w = watch(target(QStringLiteral("closed"),
                                 QUrl(QStringLiteral("http://127.0.0.1:%1/render/v1").arg(port)),
                                 "rnd-sim-key"));
        QTRY_VERIFY_WITH_TIMEOUT(w.page->statusText().startsWith(QStringLiteral("stopped")), 15000);
        QVERIFY2(w.page->statusText().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 qPrintable(w.page->statusText()));
    }

    // A jump (an alert's start ± 5 min, a deploy's span) shows that window's lines only, oldest
    // first, and holds still; Back to live returns to the tail.
    void windowShowsTheLinesOfThatWindow()
    {
        Watched w = watch(target(QStringLiteral("window"), m_rig.renderApi(), "rnd-sim-key"));
        LogsPage& page = *w.page;
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().startsWith(QStringLiteral("live")), 15000);
        emitLines(3, QStringLiteral("ui-before"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-before")), 3, 10000);
        QTest::qWait(1200);
        emitLines(4, QStringLiteral("ui-inside"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-inside")), 4, 10000);
        QTest::qWait(1200);
        emitLines(2, QStringLiteral("ui-after"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-after")), 2, 10000);

        // The window: the inside lines' own times, 200 ms either side.
        QAbstractItemModel* model = page.view()->model();
        qint64 first = std::numeric_limits<qint64>::max();
        qint64 last = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex i = model->index(row, 0);
            if (!i.data(LogLineModel::MessageRole).toString().contains(QStringLiteral("ui-inside")))
                continue;
            const qint64 t = i.data(LogLineModel::TimestampMsRole).toLongLong();
            first = std::min(first, t);
            last = std::max(last, t);
        }
        QVERIFY(first > 0 && last >= first);
        const qint64 start = first - 200;
        const qint64 end = last + 200;
        page.showWindow(start, end, QStringLiteral("alert ui-test"));
        QVERIFY(!page.isFollowing());
        QTRY_VERIFY2_WITH_TIMEOUT(
            !page.logs()->logs()->isLoading() &&
                rowsContaining(page, QStringLiteral("ui-inside")) == 4,
            qPrintable(QStringLiteral("%1 inside of %2 rows [%3, %4]; %5")
                           .arg(rowsContaining(page, QStringLiteral("ui-inside")))
                           .arg(model->rowCount())
                           .arg(formatRfc3339(start), formatRfc3339(end), page.statusText())),
            15000);
        QCOMPARE(rowsContaining(page, QStringLiteral("ui-before")), 0);
        QCOMPARE(rowsContaining(page, QStringLiteral("ui-after")), 0);
        qint64 previous = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const qint64 t = model->index(row, 0).data(LogLineModel::TimestampMsRole).toLongLong();
            QVERIFY2(t >= start && t <= end, qPrintable(QString::number(t)));
            QVERIFY(t >= previous); // oldest first
            previous = t;
        }

        page.followLive();
        QVERIFY(page.isFollowing());
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-after")), 2, 15000);
    }

    // The tab at 1280x720 in the light and dark palettes (saved to OPS_SCREENSHOT_DIR, looked
    // at): level colours follow the palette, a line wider than the view is elided (no sideways
    // scrolling), the tab fits a laptop, and a target without a service says so in words.
    void screenshotsLightAndDark()
    {
        QVERIFY(applyPalette(QStringLiteral("light")));
        Watched w = watch(target(QStringLiteral("shots"), m_rig.renderApi(), "rnd-sim-key"));
        LogsPage& page = *w.page;
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().startsWith(QStringLiteral("live")), 15000);
        emitLines(3, QStringLiteral("ui-shot upstream timed out after 30000 ms"),
                  QStringLiteral("error"));
        emitLines(2, QStringLiteral("ui-shot slow request: 2400 ms"), QStringLiteral("warning"));
        emitLines(1, QStringLiteral("ui-shot ") + QString(400, u'x'));
        QTRY_COMPARE_WITH_TIMEOUT(rowsContaining(page, QStringLiteral("ui-shot")), 6, 10000);
        QVERIFY2(page.minimumSizeHint().width() <= 1280,
                 qPrintable(QString::number(page.minimumSizeHint().width())));
        QCoreApplication::processEvents();
        QVERIFY(!page.view()->horizontalScrollBar()->isVisible());
        QVERIFY(page.statusText().contains(QStringLiteral("lines shown")));
        QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/logs-light.png")));

        QVERIFY(applyPalette(QStringLiteral("dark")));
        QCoreApplication::processEvents();
        QVERIFY(page.view()->palette().color(QPalette::Base).value() < 128);
        const QImage dark = page.grab().toImage();
        // The list's own background (left of the text), in page coordinates.
        const QPoint inList = page.view()->viewport()->mapTo(&page, QPoint(1, 1));
        QVERIFY(dark.pixelColor(inList).value() < 128);
        QVERIFY(dark.save(screenshotDir() + QStringLiteral("/logs-dark.png")));

        Watched bare = watch(target(QStringLiteral("shots-bare"), QUrl(), {}));
        QTRY_VERIFY(bare.page->noticeText().contains(QStringLiteral("no Render service")));
        QVERIFY(bare.page->grab().save(screenshotDir() + QStringLiteral("/logs-no-service.png")));
        QVERIFY(applyPalette(QStringLiteral("light")));
    }

    void followsTheCurrentTarget()
    {
        auto fleet = makeFleet();
        TargetSession* a =
            fleet->addUnsaved(target(QStringLiteral("a"), m_rig.renderApi(), "rnd-sim-key"));
        TargetSession* b = fleet->addUnsaved(target(QStringLiteral("b"), QUrl(), {}));
        QVERIFY(fleet->setCurrent(a->id()));
        LogsPage page(fleet.get());
        fleet->start();
        QCOMPARE(page.logs(), a->capability<ServiceLogs>());
        QVERIFY(fleet->setCurrent(b->id()));
        QCOMPARE(page.logs(), b->capability<ServiceLogs>());
        QTRY_VERIFY(page.noticeText().contains(QStringLiteral("no Render service")));
    }
};

QTEST_MAIN(TestLogsPage)
#include "TestLogsPage.moc"
