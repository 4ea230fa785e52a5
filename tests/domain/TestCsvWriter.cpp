// CsvWriter: RFC 4180 quoting and formula neutralisation (issue 20, item 13).
#include "models/domain/CsvWriter.h"

#include <QTest>

using namespace ops;

class TestCsvWriter : public QObject {
    Q_OBJECT
private slots:
    void neutralisesFormulaStarts_data()
    {
        QTest::addColumn<QString>("cell");
        QTest::addColumn<QString>("written");
        QTest::newRow("equals") << "=HYPERLINK(\"http://x\")"
                                << "\"'=HYPERLINK(\"\"http://x\"\")\"";
        QTest::newRow("plus") << "+cmd|' /C calc'!A0"
                              << "'+cmd|' /C calc'!A0";
        QTest::newRow("minus") << "-2+3+cmd|' /C calc'!A0"
                               << "'-2+3+cmd|' /C calc'!A0";
        QTest::newRow("at") << "@SUM(A1:A9)"
                            << "'@SUM(A1:A9)";
        QTest::newRow("tab") << "\t=1+1"
                             << "'\t=1+1";
        QTest::newRow("carriage return") << "\r=1+1"
                                         << "\"'\r=1+1\"";
        QTest::newRow("negative number stays") << "-3.5"
                                               << "-3.5";
        QTest::newRow("exponent stays") << "+1e-9"
                                        << "+1e-9";
        QTest::newRow("plain") << "deploy.verify"
                               << "deploy.verify";
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("inner equals") << "a=b"
                                      << "a=b";
        QTest::newRow("comma") << "a, b"
                               << "\"a, b\"";
        QTest::newRow("quote") << "say \"hi\""
                               << "\"say \"\"hi\"\"\"";
        QTest::newRow("line break") << "one\ntwo"
                                    << "\"one\ntwo\"";
    }
    void neutralisesFormulaStarts()
    {
        QFETCH(QString, cell);
        QFETCH(QString, written);
        QCOMPARE(CsvWriter::field(cell), written);
    }

    void rowsEndInCrlf()
    {
        CsvWriter csv;
        csv.addRow({QStringLiteral("time"), QStringLiteral("comment")});
        csv.addRow({QStringLiteral("2026-12-05T08:00:00Z"), QStringLiteral("=1+1")});
        QCOMPARE(csv.rowCount(), 2);
        QCOMPARE(csv.data(), QByteArray("time,comment\r\n2026-12-05T08:00:00Z,'=1+1\r\n"));
    }

    void utf8PassesThrough()
    {
        CsvWriter csv;
        csv.addRow({QStringLiteral("Zürich → ok")});
        QCOMPARE(csv.data(), QStringLiteral("Zürich → ok\r\n").toUtf8());
    }
};

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "TestCsvWriter.moc"
