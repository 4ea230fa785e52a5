// How numbers are shown (#19): durations scale to s, ms or µs; elapsed times read "1 m 10 s";
// values carry their unit with a consistent precision; one operator identity.
#include "models/audit/AuditLog.h"
#include "models/domain/Units.h"

#include <QDateTime>
#include <QLocale>
#include <QTest>
#include <QtNumeric>

using namespace ops;

class TestUnits : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void durationsScale_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("shown");
        QTest::newRow("1909 ms") << 1.909 << "1.91 s";
        QTest::newRow("10 s") << 10.0 << "10.0 s";
        QTest::newRow("44 ms") << 0.044 << "44 ms";
        QTest::newRow("4.5 ms") << 0.0045 << "4.5 ms";
        QTest::newRow("850 µs") << 0.00085 << "850 µs";
        QTest::newRow("zero") << 0.0 << "0 ms";
        QTest::newRow("two minutes") << 125.0 << "125 s";
    }
    void durationsScale()
    {
        QFETCH(double, seconds);
        QFETCH(QString, shown);
        QCOMPARE(formatSeconds(seconds), shown);
        QCOMPARE(formatMilliseconds(seconds * 1000.0), shown);
    }

    void elapsed()
    {
        QCOMPARE(formatElapsed(8'400), QStringLiteral("8 s"));
        QCOMPARE(formatElapsed(70'000), QStringLiteral("1 m 10 s"));
        QCOMPARE(formatElapsed(120'000), QStringLiteral("2 m"));
        QCOMPARE(formatElapsed(3 * 3'600'000 + 5 * 60'000), QStringLiteral("3 h 5 m"));
        QCOMPARE(formatElapsed(-5), QStringLiteral("0 s"));
    }

    void valuesCarryUnits()
    {
        QCOMPARE(formatWithUnit(0.06692, QStringLiteral("ratio")), QStringLiteral("6.69 %"));
        QCOMPARE(formatWithUnit(241.73, QStringLiteral("req/s")), QStringLiteral("242 req/s"));
        QCOMPARE(formatWithUnit(24.17, QStringLiteral("req/s")), QStringLiteral("24.2 req/s"));
        QCOMPARE(formatWithUnit(1.909, QStringLiteral("s")), QStringLiteral("1.91 s"));
        QCOMPARE(formatWithUnit(312'000'000, QStringLiteral("bytes")), QStringLiteral("312 MB"));
        QCOMPARE(formatWithUnit(4.25, QStringLiteral("%")), QStringLiteral("4.25 %"));
        QCOMPARE(formatNumber(1909), QStringLiteral("1,909"));
        QCOMPARE(formatNumber(0.06692), QStringLiteral("0.0669"));
        QCOMPARE(formatWithUnit(qQNaN(), QStringLiteral("s")), QStringLiteral("—"));
    }

    void oneDateFormat()
    {
        // The locale's short date and time, with seconds.
        const qint64 t = QDateTime(QDate(2026, 12, 5), QTime(8, 3, 12)).toMSecsSinceEpoch();
        const QString shown = formatDateTime(t);
        QVERIFY2(shown.contains(QStringLiteral("8:03:12")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("12/5/26")), qPrintable(shown));
        QVERIFY2(formatTimeOfDay(t).contains(QStringLiteral("8:03:12")),
                 qPrintable(formatTimeOfDay(t)));
    }

    void oneOperatorIdentity()
    {
        // The audit log and acknowledgements name the same person, also without $USER.
        const QByteArray user = qgetenv("USER");
        qunsetenv("USER");
        qunsetenv("USERNAME");
        qunsetenv("LOGNAME");
        QVERIFY(!operatorName().isEmpty());
        QCOMPARE(AuditLog::currentUser(), operatorName());
        qputenv("USER", "ana");
        QCOMPARE(operatorName(), QStringLiteral("ana"));
        QCOMPARE(AuditLog::currentUser(), QStringLiteral("ana"));
        if (!user.isEmpty())
            qputenv("USER", user);
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "TestUnits.moc"
