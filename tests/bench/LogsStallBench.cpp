#include "tests/bench/LogsStallBench.h"

#include "app/common/QuitOnSignal.h"
#include "models/domain/Clock.h"
#include "models/domain/Target.h"
#include "models/fleet/Fleet.h"
#include "models/logs/LogLineModel.h"
#include "models/logs/ServiceLogs.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "ui/logs/LogsPage.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTabWidget>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <time.h>

namespace ops::bench {

namespace {

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

} // namespace

bool TimingApplication::notify(QObject* receiver, QEvent* event)
{
    if (!recording || m_depth > 0 || QThread::currentThread() != thread())
        return QApplication::notify(receiver, event);
    QElapsedTimer t;
    t.start();
    const double cpu0 = threadCpuMs();
    const int type = event->type();
    ++m_depth;
    const bool done = QApplication::notify(receiver, event);
    --m_depth;
    const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
    const double cpuMs = threadCpuMs() - cpu0;
    const auto what = [&] {
        return QStringLiteral("%1 %2 event %3")
            .arg(QString::fromLatin1(receiver->metaObject()->className()), receiver->objectName())
            .arg(type);
    };
    // OPS_STALL_DEBUG=1: every event over the bar on stderr, to find what holds the loop.
    static const bool debug = qEnvironmentVariableIsSet("OPS_STALL_DEBUG");
    if (debug && ms > 16)
        std::fprintf(stderr, "event over 16 ms: %.1f ms wall, %.1f ms GUI thread CPU: %s\n", ms,
                     cpuMs, qPrintable(what()));
    if (ms > worstMs) {
        worstMs = ms;
        worstWhat = what();
    }
    if (cpuMs > worstCpuMs) {
        worstCpuMs = cpuMs;
        worstCpuWhat = what();
    }
    return done;
}

namespace {

const QString kService = QStringLiteral("srv-d0bhivgateway901a");

// Runs the loop until `done` or the timeout; false on the timeout.
bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// POSTs a control request to the simulator; the HTTP status (0: no answer).
int post(QNetworkAccessManager& network, const QUrl& base, const QString& path,
         const QByteArray& json)
{
    QNetworkRequest request(base.resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(5000);
    QNetworkReply* reply = network.post(request, json);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

StallPhase measurePhase(TimingApplication& app, const LogLineModel& model, int seconds)
{
    constexpr int kBeatMs = 5;
    QTimer beat;
    beat.setTimerType(Qt::PreciseTimer);
    beat.setInterval(kBeatMs);
    QElapsedTimer since;
    StallPhase phase;
    QObject::connect(&beat, &QTimer::timeout, [&] {
        const double gap = static_cast<double>(since.nsecsElapsed()) / 1e6;
        phase.lateMs = std::max(phase.lateMs, gap - kBeatMs);
        since.start();
    });
    const quint64 seq0 = model.buffer().endSeq();
    QElapsedTimer wall;
    app.worstMs = 0;
    app.worstWhat.clear();
    app.worstCpuMs = 0;
    app.worstCpuWhat.clear();
    app.recording = true;
    wall.start();
    since.start();
    beat.start();
    runFor(seconds * 1000);
    app.recording = false;
    beat.stop();
    phase.stallMs = app.worstMs;
    phase.stallWhat = app.worstWhat;
    phase.cpuMs = app.worstCpuMs;
    phase.cpuWhat = app.worstCpuWhat;
    phase.linesPerS = static_cast<double>(model.buffer().endSeq() - seq0) /
                      (static_cast<double>(wall.nsecsElapsed()) / 1e9);
    phase.rowsShown = model.rowCount();
    return phase;
}

} // namespace

LogsStallResult measureLogsStall(TimingApplication& app, const QString& simBinary, int seconds,
                                 int linesPerSecond)
{
    LogsStallResult result;
    result.seconds = seconds;

    // The simulator: only the lines asked for (no synthetic traffic yet), no rate limit.
    QuitOnSignal quitOnSignal;
    QProcess sim;
    stopWithParent(sim);
    // The phases run nested event loops: on a signal, stop the simulator and leave at once.
    QObject::connect(&quitOnSignal, &QuitOnSignal::received, [&sim] {
        sim.terminate();
        if (!sim.waitForFinished(3000))
            sim.kill();
        std::exit(130);
    });
    sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // The simulator stands for Render's servers, which do not share the operator's CPU: on this
    // 2-core machine it runs at a lower priority than the console it feeds.
    sim.start(QStringLiteral("nice"),
              {QStringLiteral("-n"), QStringLiteral("10"), simBinary, QStringLiteral("--port"),
               QStringLiteral("0"), QStringLiteral("--log-rate"), QStringLiteral("0")});
    if (!sim.waitForStarted(10000) || !sim.waitForReadyRead(10000)) {
        result.error = QStringLiteral("cannot start %1").arg(simBinary);
        return result;
    }
    const auto match = QRegularExpression(QStringLiteral("listening on (\\S+)"))
                           .match(QString::fromUtf8(sim.readLine()));
    if (!match.hasMatch()) {
        result.error = QStringLiteral("the simulator did not print its URL");
        return result;
    }
    const QUrl url(match.captured(1));
    const auto stopSim = [&sim] {
        sim.terminate();
        if (!sim.waitForFinished(3000))
            sim.kill();
    };

    QNetworkAccessManager network;
    if (post(network, url, QStringLiteral("/__sim/render"),
             R"({"rate_limit": {"limit": 100000}})") != 200) {
        stopSim();
        result.error = QStringLiteral("the simulator refused its Render set-up");
        return result;
    }

    // The console's parts: a fleet watching the simulator with its Render service and key (in the
    // session's memory layer, as --demo does), the Logs tab beside another tab.
    SystemClock clock;
    MemorySecretStore sessionSecrets;
    MemorySecretStore keychain;
    ChainedSecretStore secrets(&sessionSecrets, &keychain);
    Target target;
    target.name = QStringLiteral("bench");
    target.baseUrl = url;
    target.intervalMs = 1000;
    RenderService render;
    render.restApi = true;
    render.serviceId = kService;
    render.apiBaseUrl = url.resolved(QUrl(QStringLiteral("/render/v1")));
    target.services = {render};
    if (!writeSecretSync(sessionSecrets, secretKeyRenderApiKey(target.name), "rnd-sim-key").ok()) {
        stopSim();
        result.error = QStringLiteral("could not store the Render key in memory");
        return result;
    }
    {
        Fleet fleet(FleetContext{&network, &clock, &secrets, nullptr});
        fleet.addCapability([](TargetSession& session) -> std::unique_ptr<SessionCapability> {
            return std::make_unique<ServiceLogs>(session);
        });
        fleet.setCurrent(fleet.addUnsaved(target)->id());
        QTabWidget tabs;
        tabs.resize(1280, 720);
        auto* page = new LogsPage(&fleet, &tabs);
        tabs.addTab(page, QStringLiteral("Logs"));
        tabs.addTab(new QLabel(QStringLiteral("another page"), &tabs), QStringLiteral("Other"));
        tabs.show();
        fleet.start();
        if (!waitFor([&] { return page->statusText().startsWith(QLatin1String("live")); }, 20000)) {
            result.error =
                QStringLiteral("the Logs tab did not go live: %1")
                    .arg(page->statusText().isEmpty() ? page->noticeText() : page->statusText());
            stopSim();
            return result;
        }
        const LogLineModel& model = *page->logs()->logs()->model();

        // The buffer full first (100,000 lines): from then on every batch evicts the oldest rows
        // too, as in a console open all day.
        const qsizetype capacity = model.buffer().capacity();
        post(network, url, QStringLiteral("/__sim/logs"),
             QByteArrayLiteral(R"({"emit": {"count": )") + QByteArray::number(capacity) +
                 QByteArrayLiteral(R"(, "message": "warm-up line"}})"));
        if (!waitFor([&] { return model.buffer().size() >= capacity; }, 60000)) {
            result.error = QStringLiteral("the buffer did not fill: %1 of %2 lines")
                               .arg(model.buffer().size())
                               .arg(capacity);
            stopSim();
            return result;
        }
        // The simulator's rate counts requests, some of which log a second line (an error, a
        // slow request): measure its lines per request, then ask for linesPerSecond lines.
        const auto setRate = [&](double rate) {
            return post(network, url, QStringLiteral("/__sim/logs"),
                        QByteArrayLiteral(R"({"rate": )") + QByteArray::number(rate, 'f', 1) +
                            '}') == 200;
        };
        setRate(linesPerSecond);
        runFor(1000);
        const quint64 seq0 = model.buffer().endSeq();
        QElapsedTimer calibration;
        calibration.start();
        runFor(2000);
        const double arrived = static_cast<double>(model.buffer().endSeq() - seq0) /
                               (static_cast<double>(calibration.nsecsElapsed()) / 1e9);
        if (arrived > 0)
            setRate(linesPerSecond * linesPerSecond / arrived);
        runFor(1500); // the stream settles

        tabs.setCurrentIndex(0);
        result.visible = measurePhase(app, model, seconds);
        tabs.setCurrentIndex(1);
        result.hidden = measurePhase(app, model, seconds);

        post(network, url, QStringLiteral("/__sim/logs"), R"({"rate": 0})");
    }
    stopSim();
    return result;
}

} // namespace ops::bench
