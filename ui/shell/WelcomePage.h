#pragma once

#include <QWidget>

class QLabel;

namespace ops {

// The main window's page before any target exists (the first run): what the console is for, and
// the two ways in (add a gateway, try the demo). The targets dialog opens on top of it; closing
// that dialog with nothing saved leaves this page, never a silent quit.
class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);
    ~WelcomePage() override;

    QString welcomeText() const;

signals:
    void addRequested();
    void demoRequested();

private:
    QLabel* m_text = nullptr;
};

} // namespace ops
