// The application icon: the SVG renders, every hicolor PNG was made at its size, and the icon and
// the German translation are embedded in the resources bhiv-ops links, and the window icon and
// autostart Exec quoting of DesktopIntegration.
#include "app/console/DesktopIntegration.h"

#include <QApplication>
#include <QFile>
#include <QIcon>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTest>

class TestIcons : public QObject {
    Q_OBJECT
private slots:
    void svgRenders()
    {
        QSvgRenderer renderer(QStringLiteral(OPS_ICON_SVG));
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.defaultSize(), QSize(256, 256));
        QImage image(64, 64, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        renderer.render(&painter);
        painter.end();
        // Corners are transparent (rounded square), the centre is painted.
        QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(image.pixel(32, 20)), 255);
    }

    void pngSizes_data()
    {
        QTest::addColumn<int>("size");
        for (const int size : {16, 32, 48, 64, 128, 256})
            QTest::addRow("%dx%d", size, size) << size;
    }
    void pngSizes()
    {
        QFETCH(int, size);
        const QString path =
            QStringLiteral(OPS_ICON_DIR "/hicolor/%1x%1/apps/org.bhiv.OpsConsole.png").arg(size);
        QImage image(path);
        QVERIFY2(!image.isNull(), qPrintable(path));
        QCOMPARE(image.size(), QSize(size, size));
        QVERIFY(image.hasAlphaChannel());
        const QString embedded =
            QStringLiteral(":/icons/hicolor/%1x%1/apps/org.bhiv.OpsConsole.png").arg(size);
        QVERIFY2(QFile::exists(embedded), qPrintable(embedded));
    }

    void embedded()
    {
        QVERIFY(QSvgRenderer(QStringLiteral(":/icons/org.bhiv.OpsConsole.svg")).isValid());
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/bhiv-ops_de.qm")));
    }

    void windowIcon()
    {
        const QIcon icon = DesktopIntegration::applicationIcon();
        QVERIFY(!icon.isNull());
        for (const int size : {16, 32, 48, 64, 128, 256})
            QVERIFY2(icon.availableSizes().contains(QSize(size, size)),
                     qPrintable(QString::number(size)));
        QCOMPARE(icon.pixmap(48).size(), QSize(48, 48));
        DesktopIntegration::install(*qApp);
        QVERIFY(!QApplication::windowIcon().isNull());
        QCOMPARE(QGuiApplication::desktopFileName(), QStringLiteral("org.bhiv.OpsConsole"));
    }

    void execQuoting_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << QStringLiteral("--url") << QStringLiteral("--url");
        QTest::newRow("percent") << QStringLiteral("a%b") << QStringLiteral("a%%b");
        QTest::newRow("space") << QStringLiteral("/opt/my apps/bhiv-ops")
                               << QStringLiteral("\"/opt/my apps/bhiv-ops\"");
        QTest::newRow("reserved") << QStringLiteral("http://h/?a=1&b=$x")
                                  << QStringLiteral("\"http://h/?a=1&b=\\\\$x\"");
    }
    void execQuoting()
    {
        QFETCH(QString, argument);
        QFETCH(QString, quoted);
        QCOMPARE(DesktopIntegration::quoteExecArgument(argument), quoted);
    }
};

QTEST_MAIN(TestIcons)
#include "TestIcons.moc"
