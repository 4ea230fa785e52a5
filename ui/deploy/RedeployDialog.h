#pragma once

#include <QDialog>

class QLineEdit;
class QCheckBox;
class QPushButton;

namespace ops {

// The confirmation of a destructive deploy action (redeploy or rollback): shows the
// environment (target name and URL), the service and the commit, and asks to type the service
// name before the action button is enabled.
class RedeployDialog : public QDialog {
    Q_OBJECT

public:
    enum class Kind { Redeploy, Rollback };

    RedeployDialog(Kind kind, const QString& targetName, const QString& targetUrl,
                   const QString& serviceName, const QString& commit, QWidget* parent = nullptr);

    bool clearCache() const;
    // Types the confirmation (tests and screenshots).
    void setTypedName(const QString& name);

private:
    QString m_serviceName;
    QLineEdit* m_typed = nullptr;
    QCheckBox* m_clearCache = nullptr;
    QPushButton* m_ok = nullptr;
};

} // namespace ops
