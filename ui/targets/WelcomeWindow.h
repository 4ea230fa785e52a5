#pragma once

#include <QMainWindow>

class QLabel;

namespace ops {

// The window of a first run, before any target exists: what the console is for, and the two ways
// in (add a gateway, try the demo). The targets dialog opens on top of it; closing that dialog
// with nothing saved leaves this window, never a silent quit. Closing this window quits.
class WelcomeWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit WelcomeWindow(QWidget* parent = nullptr);
    ~WelcomeWindow() override;

    QString welcomeText() const;

signals:
    void addRequested();
    void demoRequested();
    void closed();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QLabel* m_text = nullptr;
};

} // namespace ops
