// ops-render-icon: renders the application's SVG icon to a square PNG of the given size.
// Used at build time for the hicolor PNG sizes. Usage: ops-render-icon SVG SIZE OUT.png
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv)
{
    // No window is opened; the offscreen platform keeps this runnable on build machines.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: ops-render-icon SVG SIZE OUT.png\n");
        return 2;
    }
    bool ok = false;
    const int size = args.at(2).toInt(&ok);
    if (!ok || size < 1 || size > 4096) {
        std::fprintf(stderr, "ops-render-icon: SIZE must be 1 to 4096\n");
        return 2;
    }
    QSvgRenderer renderer(args.at(1));
    if (!renderer.isValid()) {
        std::fprintf(stderr, "ops-render-icon: cannot read %s as SVG\n", qPrintable(args.at(1)));
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        renderer.render(&painter, QRectF(0, 0, size, size));
    }
    if (!image.save(args.at(3), "PNG")) {
        std::fprintf(stderr, "ops-render-icon: cannot write %s\n", qPrintable(args.at(3)));
        return 1;
    }
    return 0;
}
