// The application icon: the SVG renders, every hicolor PNG was made at its size, and the icon and
// the German translation are embedded in the resources bhiv-ops links.
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTest>

class TestIcons : public QObject {
    Q_OBJECT
private slots:
    void svgRenders() {
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

    void pngSizes_data() {
        QTest::addColumn<int>("size");
        for (const int size : {16, 32, 48, 64, 128, 256})
            QTest::addRow("%dx%d", size, size) << size;
    }
    void pngSizes() {
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

    void embedded() {
        QVERIFY(QSvgRenderer(QStringLiteral(":/icons/org.bhiv.OpsConsole.svg")).isValid());
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/bhiv-ops_de.qm")));
    }
};

QTEST_GUILESS_MAIN(TestIcons)
#include "TestIcons.moc"
