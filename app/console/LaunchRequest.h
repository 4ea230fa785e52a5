#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

// What a later launch (or a notification's "Open") asks of the running console: watch a saved
// target or a URL, show a page. Everything else in its arguments is ignored by the running
// console (it keeps its own rules, webhook and window options).
struct LaunchRequest {
    QString targetName;          // --target NAME
    QUrl url;                    // --url URL: watched as a temporary (unsaved) target
    bool allowPlainHttp = false; // --allow-http
    int intervalMs = 0;          // --interval SECONDS (0: the default)
    QString page;                // --page NAME
    QString alertRule;           // the notification's alert, shown on the Alerts page

    bool isEmpty() const { return targetName.isEmpty() && url.isEmpty() && page.isEmpty(); }
};

// Reads a launch's arguments (argv without the program name): "--opt value" and "--opt=value".
// A URL that does not parse, or has no http(s) scheme or no host, is dropped with *problem set.
LaunchRequest parseLaunchRequest(const QStringList& arguments, QString* problem = nullptr);
