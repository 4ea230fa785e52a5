#pragma once

#include "models/domain/Target.h"

#include <QDialog>
#include <QPointer>
#include <QSslCertificate>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace ops {

class SecretStore;
class TargetStore;

// Add, edit and remove targets: a list, a form, a Test button, masked secret fields that say
// whether a key is stored in the keychain. Secrets go to the keychain, or — when the operator
// ticks "for this session only" or the keychain is unavailable — to the session store (memory).
// Never talks HTTP: Test asks the application (testRequested) and shows its answer.
class TargetsDialog : public QDialog {
    Q_OBJECT
public:
    // Empty when every metric role is known and named; otherwise why not.
    static QString mappingError(const QMap<QString, QString>& mapping);
    TargetsDialog(TargetStore* store, SecretStore* keychain, SecretStore* session,
                  QWidget* parent = nullptr);

    void selectTarget(const QString& name);
    // Shows the application's answer to testRequested.
    void showTestResult(const QString& name, const QString& text, bool ok);
    // The test was refused for this certificate: offer to trust it (after a confirmation that
    // shows the certificate); trusting fills the form's fingerprint, Save keeps it.
    void offerCertificateTrust(const QString& name, const QSslCertificate& certificate,
                               const QByteArray& sha256);
    // Offers "Try the demo" (first start, no targets).
    void setDemoOffered(bool offered);
    QString currentName() const { return m_currentName; }
    QString testResultText() const;

signals:
    // The target as in the form, and the key typed in it (empty: use the stored one).
    void testRequested(const ops::Target& target, const QByteArray& typedApiKey);
    void demoRequested();
    // The saved targets or their secrets changed (name: the one edited, or removed).
    void targetSaved(const QString& name);
    void targetRemoved(const QString& name);

private:
    void configureFields();
    QWidget* buildGatewayTab();
    QWidget* buildAdvancedFields(QWidget* parent);
    QWidget* buildRenderTab();
    QWidget* buildTeamTab();
    void buildLayout(QWidget* sections);
    void testForm();
    void trustOfferedCertificate();
    void showHistoryRetention(const HistoryRetention& retention);
    void showTeam(const Target& target);
    QList<QLineEdit*> secretFields() const;
    void reloadList();
    void showTarget(const QString& name);
    Target formTarget() const;
    void save();
    void savedTarget(const Target& target);
    void removeCurrent();
    void newTarget();
    void refreshKeyState(const QString& name);
    void showProblem(const QString& text);
    // Writes each typed secret (keychain or session); then calls done(ok).
    void storeSecrets(const Target& target, std::function<void(bool)> done);

    TargetStore* m_store;
    SecretStore* m_keychain;
    SecretStore* m_session;
    QString m_currentName; // empty: a new target
    QListWidget* m_list;
    QLabel* m_problem;
    QLineEdit* m_name;
    QLineEdit* m_url;
    QComboBox* m_dialect;
    QDoubleSpinBox* m_interval;
    QDoubleSpinBox* m_connectTimeout;
    QDoubleSpinBox* m_readTimeout;
    QCheckBox* m_readOnly;
    QCheckBox* m_allowHttp;
    QLineEdit* m_fingerprint;
    QLineEdit* m_mapping;
    QSpinBox* m_historyHours; // HistoryRetention, in its own units
    QSpinBox* m_historyDays;
    QSpinBox* m_historyCapMb;
    QLineEdit* m_apiKey;
    QLabel* m_apiKeyState;
    QCheckBox* m_sessionOnly;
    QLineEdit* m_serviceId;
    QLineEdit* m_serviceName;
    QLineEdit* m_deployHook;
    QCheckBox* m_restApi;
    QLineEdit* m_renderBase;
    QLineEdit* m_renderKey;
    // Team monitoring: a Prometheus data source and a team Alertmanager (credentials: keychain).
    QLineEdit* m_promUrl;
    QLineEdit* m_promSelector;
    QCheckBox* m_promSideBySide;
    QComboBox* m_promAuth;
    QLineEdit* m_promUser;
    QLineEdit* m_promCredential;
    QLineEdit* m_amUrl;
    QComboBox* m_amAuth;
    QLineEdit* m_amUser;
    QLineEdit* m_amCredential;
    QLabel* m_testResult;
    QPushButton* m_trustButton;
    QSslCertificate m_offeredCertificate;
    QByteArray m_offeredSha256;
    QPushButton* m_demoButton;
    QLabel* m_welcome = nullptr; // the first run's guidance, above everything
    QPushButton* m_removeButton;
    int m_testRun = 0;
    bool m_testAnswered = true;
};

} // namespace ops
