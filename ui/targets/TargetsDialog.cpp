#include "ui/targets/TargetsDialog.h"

#include "ui/targets/CertificateTrust.h"

#include "models/metrics/MetricsMapping.h"
#include "models/secrets/OriginBoundSecretStore.h"
#include "models/secrets/SecretStore.h"
#include "models/targets/TargetStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace ops {

namespace {

QDoubleSpinBox* secondsBox(double minimum, double maximum, QWidget* parent)
{
    auto* box = new QDoubleSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setDecimals(1);
    box->setSuffix(QObject::tr(" s"));
    return box;
}

QSpinBox* wholeNumberBox(int minimum, int maximum, const QString& unit, QWidget* parent)
{
    auto* box = new QSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setSuffix(unit);
    return box;
}

QLineEdit* secretField(const QString& placeholder, QWidget* parent)
{
    auto* field = new QLineEdit(parent);
    field->setEchoMode(QLineEdit::Password);
    field->setPlaceholderText(placeholder);
    // Not copied out, not shown, not remembered by an input method.
    field->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhSensitiveData);
    field->setContextMenuPolicy(Qt::NoContextMenu);
    return field;
}

} // namespace

TargetsDialog::TargetsDialog(TargetStore* store, SecretStore* keychain, SecretStore* session,
                             QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_keychain(keychain)
    , m_session(session)
    , m_list(new QListWidget(this))
    , m_problem(new QLabel(this))
    , m_name(new QLineEdit(this))
    , m_url(new QLineEdit(this))
    , m_dialect(new QComboBox(this))
    , m_interval(secondsBox(0.1, 3600, this))
    , m_connectTimeout(secondsBox(0.1, 600, this))
    , m_readTimeout(secondsBox(0.1, 600, this))
    , m_readOnly(new QCheckBox(tr("Read-only (viewer: no workflows, no deploys)"), this))
    , m_allowHttp(new QCheckBox(tr("Allow plain http to this host (not recommended)"), this))
    , m_fingerprint(new QLineEdit(this))
    , m_mapping(new QLineEdit(this))
    , m_historyHours(wholeNumberBox(HistoryRetention::kMinRawHours, HistoryRetention::kMaxRawHours,
                                    tr(" h"), this))
    , m_historyDays(wholeNumberBox(HistoryRetention::kMinRollupDays,
                                   HistoryRetention::kMaxRollupDays, tr(" days"), this))
    , m_historyCapMb(
          wholeNumberBox(HistoryRetention::kMinCapMb, HistoryRetention::kMaxCapMb, tr(" MB"), this))
    , m_apiKey(secretField(tr("not stored"), this))
    , m_apiKeyState(new QLabel(this))
    , m_sessionOnly(new QCheckBox(tr("Keep the keys for this session only (not stored)"), this))
    , m_serviceId(new QLineEdit(this))
    , m_serviceName(new QLineEdit(this))
    , m_deployHook(secretField(tr("not stored"), this))
    , m_restApi(new QCheckBox(tr("Use the Render REST API"), this))
    , m_renderBase(new QLineEdit(this))
    , m_renderKey(secretField(tr("not stored"), this))
    , m_promUrl(new QLineEdit(this))
    , m_promSelector(new QLineEdit(this))
    , m_promSideBySide(new QCheckBox(tr("Instances side by side (else their aggregate)"), this))
    , m_promAuth(new QComboBox(this))
    , m_promUser(new QLineEdit(this))
    , m_promCredential(secretField(tr("not stored"), this))
    , m_amUrl(new QLineEdit(this))
    , m_amAuth(new QComboBox(this))
    , m_amUser(new QLineEdit(this))
    , m_amCredential(secretField(tr("not stored"), this))
    , m_testResult(new QLabel(this))
    , m_trustButton(new QPushButton(tr("Trust this &certificate…"), this))
    , m_demoButton(new QPushButton(tr("Try the de&mo"), this))
    , m_removeButton(new QPushButton(tr("Rem&ove"), this))
{
    setWindowTitle(tr("Targets — BHIV Ops Console"));
    setObjectName(QStringLiteral("targetsDialog"));
    configureFields();
    auto* sections = new QTabWidget(this);
    sections->setObjectName(QStringLiteral("targetSections"));
    sections->addTab(buildGatewayTab(), tr("&Gateway"));
    sections->addTab(buildRenderTab(), tr("&Render service"));
    sections->addTab(buildTeamTab(), tr("Prometheus && &Alertmanager"));
    buildLayout(sections);
    resize(900, 640);
    reloadList();
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        newTarget();
}

// Object names (the tests and the screenshots find the fields by them), placeholders, hints.
void TargetsDialog::configureFields()
{
    m_list->setObjectName(QStringLiteral("targetList"));
    m_list->setAccessibleName(tr("Saved targets"));
    m_problem->setObjectName(QStringLiteral("keychainBanner"));
    m_problem->setWordWrap(true);
    m_problem->setMargin(6);
    m_problem->setAutoFillBackground(true);
    QPalette palette = m_problem->palette();
    palette.setColor(QPalette::Window, QColor(255, 200, 80, 90));
    m_problem->setPalette(palette);
    m_problem->hide();
    m_dialect->addItem(tr("detect (auto)"), QStringLiteral("auto"));
    for (const char* name : {"plan", "modular", "monolith"})
        m_dialect->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    m_url->setPlaceholderText(QStringLiteral("https://gateway.example.com"));
    m_fingerprint->setPlaceholderText(tr("none: the system's certificate authorities only"));
    m_mapping->setPlaceholderText(QStringLiteral("latency=api_response_seconds, errors=..."));
    m_mapping->setToolTip(
        tr("Series names that differ from the gateway's dialect, as role=name pairs separated "
           "by commas. Roles: requests, latency, errors, workflows, memory, cpu, or the full "
           "names such as status_label, endpoint_label, errors_label."));
    m_renderBase->setPlaceholderText(RenderService::defaultRenderApiBase().toString());
    m_apiKey->setObjectName(QStringLiteral("apiKey"));
    m_name->setObjectName(QStringLiteral("targetName"));
    m_url->setObjectName(QStringLiteral("targetUrl"));
    m_mapping->setObjectName(QStringLiteral("metricMapping"));
    m_testResult->setObjectName(QStringLiteral("targetTestResult"));
    m_connectTimeout->setObjectName(QStringLiteral("connectTimeout"));
    m_readTimeout->setObjectName(QStringLiteral("readTimeout"));
    m_historyHours->setObjectName(QStringLiteral("historyRawHours"));
    m_historyHours->setToolTip(tr("Every poll is kept on this computer for this long."));
    m_historyDays->setObjectName(QStringLiteral("historyRollupDays"));
    m_historyDays->setToolTip(
        tr("After that, one minimum, maximum, average and last value a minute are kept for "
           "this long (the 7 d and 30 d windows)."));
    m_historyCapMb->setObjectName(QStringLiteral("historyCapMb"));
    m_historyCapMb->setToolTip(
        tr("The target's history never takes more disk than this: the oldest goes first."));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    for (QComboBox* auth : {m_promAuth, m_amAuth}) {
        auth->addItem(tr("none"), QStringLiteral("none"));
        auth->addItem(tr("Bearer token"), QStringLiteral("bearer"));
        auth->addItem(tr("basic (user + password)"), QStringLiteral("basic"));
    }
    m_promUrl->setObjectName(QStringLiteral("prometheusUrl"));
    m_promUrl->setPlaceholderText(tr("empty: scrape the gateway directly"));
    m_promSelector->setPlaceholderText(QStringLiteral("job=\"bhiv-gateway\""));
    m_promSelector->setObjectName(QStringLiteral("prometheusSelector"));
    m_promCredential->setObjectName(QStringLiteral("prometheusCredential"));
    m_amUrl->setObjectName(QStringLiteral("alertmanagerUrl"));
    m_amUrl->setPlaceholderText(tr("empty: alerts stay on this desktop"));
    m_amCredential->setObjectName(QStringLiteral("alertmanagerCredential"));
    m_demoButton->hide();
    m_trustButton->setObjectName(QStringLiteral("trustCertificate"));
    m_trustButton->hide();
}

// What a newcomer needs first: a name and the URL (and the key, if the gateway wants one).
// The expert fields wait under "Advanced".
QWidget* TargetsDialog::buildGatewayTab()
{
    auto* gateway = new QGroupBox(tr("Gateway"), this);
    auto* gatewayLayout = new QVBoxLayout(gateway);
    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("API &key:"), m_apiKey);
    form->addRow(QString(), m_apiKeyState);
    form->addRow(QString(), m_readOnly);
    gatewayLayout->addLayout(form);
    auto* advancedToggle = new QToolButton(gateway);
    advancedToggle->setObjectName(QStringLiteral("advancedToggle"));
    advancedToggle->setText(tr("Ad&vanced"));
    advancedToggle->setCheckable(true);
    advancedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    advancedToggle->setArrowType(Qt::RightArrow);
    advancedToggle->setAutoRaise(true);
    QWidget* advanced = buildAdvancedFields(gateway);
    advanced->hide();
    connect(advancedToggle, &QToolButton::toggled, advanced, [advancedToggle, advanced](bool on) {
        advanced->setVisible(on);
        advancedToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });
    gatewayLayout->addWidget(advancedToggle);
    gatewayLayout->addWidget(advanced);
    gatewayLayout->addStretch(1);
    return gateway;
}

QWidget* TargetsDialog::buildAdvancedFields(QWidget* parent)
{
    auto* advanced = new QWidget(parent);
    advanced->setObjectName(QStringLiteral("advancedFields"));
    auto* advancedForm = new QFormLayout(advanced);
    advancedForm->setContentsMargins(0, 0, 0, 0);
    advancedForm->addRow(tr("Dia&lect:"), m_dialect);
    advancedForm->addRow(tr("Poll &every:"), m_interval);
    auto* timeouts = new QHBoxLayout;
    timeouts->addWidget(new QLabel(tr("connect"), this));
    timeouts->addWidget(m_connectTimeout);
    timeouts->addWidget(new QLabel(tr("answer"), this));
    timeouts->addWidget(m_readTimeout);
    advancedForm->addRow(tr("Timeouts:"), timeouts);
    advancedForm->addRow(tr("Trusted certificate\n(SHA-256):"), m_fingerprint);
    advancedForm->addRow(tr("Metric names:"), m_mapping);
    advancedForm->addRow(QString(), m_allowHttp);
    // History on this computer (README "History"): each poll, then 1-minute rollups, a cap.
    auto* history = new QHBoxLayout;
    history->addWidget(new QLabel(tr("every poll for"), this));
    history->addWidget(m_historyHours);
    history->addWidget(new QLabel(tr("then by the minute for"), this));
    history->addWidget(m_historyDays);
    history->addStretch(1);
    auto* historyLabel = new QLabel(tr("Keep &history:"), this);
    historyLabel->setBuddy(m_historyHours); // a row of a layout gets no buddy of its own
    advancedForm->addRow(historyLabel, history);
    auto* disk = new QHBoxLayout;
    disk->addWidget(m_historyCapMb);
    disk->addWidget(new QLabel(tr("the oldest goes first"), this));
    disk->addStretch(1);
    auto* diskLabel = new QLabel(tr("History &disk, at most:"), this);
    diskLabel->setBuddy(m_historyCapMb);
    advancedForm->addRow(diskLabel, disk);
    return advanced;
}

QWidget* TargetsDialog::buildRenderTab()
{
    auto* render = new QGroupBox(tr("Render service"), this);
    auto* renderForm = new QFormLayout(render);
    renderForm->addRow(tr("Service id:"), m_serviceId);
    renderForm->addRow(tr("Display name:"), m_serviceName);
    renderForm->addRow(tr("Deploy hook URL:"), m_deployHook);
    renderForm->addRow(QString(), m_restApi);
    renderForm->addRow(tr("API base URL:"), m_renderBase);
    renderForm->addRow(tr("Render API key:"), m_renderKey);
    return render;
}

QWidget* TargetsDialog::buildTeamTab()
{
    auto* team = new QWidget(this);
    auto* teamLayout = new QVBoxLayout(team);
    auto* prometheus = new QGroupBox(tr("Prometheus (read the signals from it)"), team);
    auto* promForm = new QFormLayout(prometheus);
    promForm->addRow(tr("Server URL:"), m_promUrl);
    promForm->addRow(tr("Label selector:"), m_promSelector);
    promForm->addRow(QString(), m_promSideBySide);
    promForm->addRow(tr("Authentication:"), m_promAuth);
    promForm->addRow(tr("User:"), m_promUser);
    promForm->addRow(tr("Token / password:"), m_promCredential);
    auto* alertmanager =
        new QGroupBox(tr("Alertmanager (share alerts and acknowledgements)"), team);
    auto* amForm = new QFormLayout(alertmanager);
    amForm->addRow(tr("URL:"), m_amUrl);
    amForm->addRow(tr("Authentication:"), m_amAuth);
    amForm->addRow(tr("User:"), m_amUser);
    amForm->addRow(tr("Token / password:"), m_amCredential);
    teamLayout->addWidget(prometheus);
    teamLayout->addWidget(alertmanager);
    teamLayout->addStretch(1);
    return team;
}

// The saved targets on the left, the form's sections and its actions on the right, the
// first run's welcome and the keychain banner above them, Close below.
void TargetsDialog::buildLayout(QWidget* sections)
{
    auto* newButton = new QPushButton(tr("Ne&w"), this);
    auto* saveButton = new QPushButton(tr("&Save"), this);
    auto* testButton = new QPushButton(tr("&Test"), this);
    saveButton->setDefault(true);
    saveButton->setObjectName(QStringLiteral("saveTarget"));
    auto* left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    auto* listButtons = new QHBoxLayout;
    listButtons->addWidget(newButton);
    listButtons->addWidget(m_removeButton);
    left->addLayout(listButtons);
    left->addWidget(m_demoButton);

    auto* right = new QVBoxLayout;
    right->addWidget(sections);
    right->addWidget(m_sessionOnly);
    right->addWidget(m_testResult);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_trustButton);
    actions->addStretch(1);
    actions->addWidget(testButton);
    actions->addWidget(saveButton);
    right->addLayout(actions);

    auto* columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 3);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    m_welcome = new QLabel(tr("<b>Welcome.</b> Add the gateway you want to watch: its name and "
                              "URL, then <b>Save</b>. Or <b>Try the demo</b> against the bundled "
                              "simulator."),
                           this);
    m_welcome->setObjectName(QStringLiteral("firstRunWelcome"));
    m_welcome->setWordWrap(true);
    m_welcome->hide();
    layout->addWidget(m_welcome);
    layout->addWidget(m_problem);
    layout->addLayout(columns, 1);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(newButton, &QPushButton::clicked, this, &TargetsDialog::newTarget);
    connect(saveButton, &QPushButton::clicked, this, &TargetsDialog::save);
    connect(m_removeButton, &QPushButton::clicked, this, &TargetsDialog::removeCurrent);
    connect(testButton, &QPushButton::clicked, this, &TargetsDialog::testForm);
    connect(m_demoButton, &QPushButton::clicked, this, [this] {
        emit demoRequested();
        accept();
    });
    connect(m_list, &QListWidget::currentTextChanged, this, [this](const QString& name) {
        if (!name.isEmpty() && name != m_currentName)
            showTarget(name);
    });
    connect(m_trustButton, &QPushButton::clicked, this, &TargetsDialog::trustOfferedCertificate);
}

// Test: the target as in the form, asked of the application; the answer comes within the
// target's own timeouts, and if nothing reports one (no test runner wired, a keychain that
// never answers), the dialog says so instead of "Testing…" forever.
void TargetsDialog::testForm()
{
    const Target target = formTarget();
    const QString why = target.validationError();
    if (!why.isEmpty()) {
        showTestResult(target.name, why, false);
        return;
    }
    m_testResult->setText(tr("Testing %1…").arg(target.baseUrl.toString()));
    const int limitMs = target.connectTimeoutMs + target.readTimeoutMs + 3000;
    ++m_testRun;
    QTimer::singleShot(limitMs, this, [this, run = m_testRun, target, limitMs] {
        if (run == m_testRun && !m_testAnswered)
            showTestResult(target.name,
                           tr("%1: no answer within %2 s; the test could not finish. Check "
                              "the URL and try again.")
                               .arg(target.baseUrl.toString())
                               .arg(limitMs / 1000),
                           false);
    });
    m_testAnswered = false;
    emit testRequested(target, m_apiKey->text().toUtf8());
}

void TargetsDialog::trustOfferedCertificate()
{
    if (!confirmCertificateTrust(this, formTarget().name, m_offeredCertificate, m_offeredSha256))
        return;
    m_fingerprint->setText(formatFingerprint(m_offeredSha256));
    m_trustButton->hide();
    m_testResult->setText(tr("The certificate is trusted in the form: Save to keep it."));
}

void TargetsDialog::setDemoOffered(bool offered)
{
    if (offered && !m_welcome->isVisible() && !isVisible()) {
        // The first run: compact, so the window's welcome stays in sight above it (1280x720).
        resize(std::max(minimumSizeHint().width(), 760), std::max(minimumSizeHint().height(), 440));
    }
    m_demoButton->setVisible(offered);
    m_welcome->setVisible(offered);
}

void TargetsDialog::selectTarget(const QString& name)
{
    const auto items = m_list->findItems(name, Qt::MatchExactly);
    if (!items.isEmpty())
        m_list->setCurrentItem(items.first());
}

void TargetsDialog::reloadList()
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    m_list->addItems(m_store->names());
    const auto items = m_list->findItems(m_currentName, Qt::MatchExactly);
    if (!items.isEmpty())
        m_list->setCurrentItem(items.first());
    m_removeButton->setEnabled(!m_currentName.isEmpty());
}

void TargetsDialog::newTarget()
{
    m_currentName.clear();
    {
        const QSignalBlocker blocker(m_list);
        m_list->clearSelection();
        m_list->setCurrentRow(-1);
    }
    Target defaults;
    m_name->clear();
    m_url->clear();
    m_dialect->setCurrentIndex(0);
    m_interval->setValue(defaults.intervalMs / 1000.0);
    m_connectTimeout->setValue(defaults.connectTimeoutMs / 1000.0);
    m_readTimeout->setValue(defaults.readTimeoutMs / 1000.0);
    showHistoryRetention(defaults.history);
    m_readOnly->setChecked(false);
    m_allowHttp->setChecked(false);
    m_fingerprint->clear();
    m_mapping->clear();
    for (QLineEdit* secret : secretFields()) {
        secret->clear();
        secret->setPlaceholderText(tr("not stored"));
    }
    m_serviceId->clear();
    m_serviceName->clear();
    m_restApi->setChecked(false);
    m_renderBase->clear();
    showTeam(Target{});
    m_apiKeyState->setText(tr("Keys are kept in the system keychain, never in a file."));
    m_testResult->clear();
    m_removeButton->setEnabled(false);
    m_name->setFocus();
}

void TargetsDialog::showTarget(const QString& name)
{
    const auto target = m_store->find(name);
    if (!target)
        return;
    m_currentName = name;
    m_name->setText(target->name);
    m_url->setText(target->baseUrl.toString());
    m_dialect->setCurrentIndex(
        std::max(0, m_dialect->findData(target->dialect == Dialect::Unknown
                                            ? QStringLiteral("auto")
                                            : dialectName(target->dialect))));
    m_interval->setValue(target->intervalMs / 1000.0);
    m_connectTimeout->setValue(target->connectTimeoutMs / 1000.0);
    m_readTimeout->setValue(target->readTimeoutMs / 1000.0);
    showHistoryRetention(target->history);
    m_readOnly->setChecked(target->readOnly);
    m_allowHttp->setChecked(target->allowPlainHttp);
    m_fingerprint->setText(formatFingerprint(target->trustedCertSha256));
    QStringList mapping;
    for (auto it = target->metricMapping.cbegin(); it != target->metricMapping.cend(); ++it)
        mapping << it.key() + u'=' + it.value();
    m_mapping->setText(mapping.join(QStringLiteral(", ")));
    const RenderService service = target->services.value(0);
    m_serviceId->setText(service.serviceId);
    m_serviceName->setText(service.displayName);
    m_restApi->setChecked(service.restApi);
    m_renderBase->setText(service.restApi ? service.apiBaseUrl.toString() : QString());
    showTeam(*target);
    for (QLineEdit* secret : secretFields())
        secret->clear();
    m_testResult->clear();
    m_removeButton->setEnabled(true);
    refreshKeyState(name);
}

void TargetsDialog::showHistoryRetention(const HistoryRetention& retention)
{
    m_historyHours->setValue(retention.rawHours);
    m_historyDays->setValue(retention.rollupDays);
    m_historyCapMb->setValue(retention.capMb);
}

void TargetsDialog::refreshKeyState(const QString& name)
{
    m_apiKeyState->setText(tr("Checking the keychain…"));
    const auto show = [this, name](QLineEdit* field, const QString& key) {
        m_session->read(key, [this, name, field, key](const SecretResult& session) {
            if (name != m_currentName)
                return;
            if (session.ok()) {
                field->setPlaceholderText(tr("●●●●●● for this session only — type to replace"));
                if (field == m_apiKey)
                    m_apiKeyState->setText(tr("Key held for this session only (not stored)."));
                return;
            }
            m_keychain->read(key, [this, name, field](const SecretResult& result) {
                if (name != m_currentName)
                    return;
                if (result.ok())
                    field->setPlaceholderText(tr("●●●●●● stored in keychain — type to replace"));
                else
                    field->setPlaceholderText(tr("not stored"));
                if (field == m_apiKey) {
                    m_apiKeyState->setText(result.ok() ? tr("Stored in the keychain.")
                                           : result.error == SecretError::NotFound
                                               ? tr("No key stored (none needed when the gateway "
                                                    "does not ask for one).")
                                               : tr("Keychain unavailable."));
                }
                if (!result.ok() && result.error != SecretError::NotFound)
                    showProblem(secretErrorMessage(result.error));
            });
        });
    };
    show(m_apiKey, secretKeyGatewayApiKey(name));
    show(m_renderKey, secretKeyRenderApiKey(name));
    show(m_promCredential, secretKeyPrometheusCredential(name));
    show(m_amCredential, secretKeyAlertmanagerCredential(name));
    const QString serviceId = m_serviceId->text().trimmed();
    if (!serviceId.isEmpty())
        show(m_deployHook, secretKeyDeployHook(name, serviceId));
}

void TargetsDialog::showProblem(const QString& text)
{
    m_problem->setText(tr("<b>Keychain:</b> %1").arg(text.toHtmlEscaped()));
    m_problem->show();
}

Target TargetsDialog::formTarget() const
{
    Target target = m_store->find(m_currentName).value_or(Target{});
    target.name = m_name->text().trimmed();
    target.baseUrl = QUrl::fromUserInput(m_url->text().trimmed());
    const auto dialect = dialectFromName(m_dialect->currentData().toString());
    target.dialect = dialect.value_or(Dialect::Unknown);
    target.intervalMs = int(m_interval->value() * 1000);
    target.connectTimeoutMs = int(m_connectTimeout->value() * 1000);
    target.readTimeoutMs = int(m_readTimeout->value() * 1000);
    target.history = {m_historyHours->value(), m_historyDays->value(), m_historyCapMb->value()};
    target.readOnly = m_readOnly->isChecked();
    target.allowPlainHttp = m_allowHttp->isChecked();
    const QString fingerprint = m_fingerprint->text().trimmed();
    target.trustedCertSha256 = fingerprint.isEmpty()
                                   ? QByteArray()
                                   : parseFingerprint(fingerprint).value_or(QByteArray("invalid"));
    target.metricMapping.clear();
    for (const QString& pair : m_mapping->text().split(u',', Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(u'=');
        if (equals > 0)
            target.metricMapping.insert(pair.left(equals).trimmed(),
                                        pair.mid(equals + 1).trimmed());
    }
    target.services.clear();
    if (!m_serviceId->text().trimmed().isEmpty()) {
        RenderService service;
        service.serviceId = m_serviceId->text().trimmed();
        service.displayName = m_serviceName->text().trimmed();
        service.restApi = m_restApi->isChecked();
        if (!m_renderBase->text().trimmed().isEmpty())
            service.apiBaseUrl = QUrl(m_renderBase->text().trimmed());
        const auto old = m_store->find(m_currentName);
        service.deployHook = !m_deployHook->text().isEmpty() ||
                             (old && !old->services.isEmpty() && old->services.first().deployHook);
        target.services << service;
    }
    const QString promUrl = m_promUrl->text().trimmed();
    target.dataSource.kind =
        promUrl.isEmpty() ? DataSourceConfig::Kind::Direct : DataSourceConfig::Kind::Prometheus;
    target.dataSource.url = promUrl.isEmpty() ? QUrl() : QUrl::fromUserInput(promUrl);
    target.dataSource.selector = m_promSelector->text().trimmed();
    target.dataSource.sideBySide = m_promSideBySide->isChecked();
    target.dataSource.auth = m_promAuth->currentData().toString();
    target.dataSource.username = m_promUser->text().trimmed();
    const QString amUrl = m_amUrl->text().trimmed();
    target.alertmanager.url = amUrl.isEmpty() ? QUrl() : QUrl::fromUserInput(amUrl);
    target.alertmanager.auth = m_amAuth->currentData().toString();
    target.alertmanager.username = m_amUser->text().trimmed();
    return target;
}

void TargetsDialog::showTeam(const Target& target)
{
    const bool prometheus = target.dataSource.kind == DataSourceConfig::Kind::Prometheus;
    m_promUrl->setText(prometheus ? target.dataSource.url.toString() : QString());
    m_promSelector->setText(target.dataSource.selector);
    m_promSideBySide->setChecked(target.dataSource.sideBySide);
    m_promAuth->setCurrentIndex(std::max(0, m_promAuth->findData(target.dataSource.auth)));
    m_promUser->setText(target.dataSource.username);
    m_amUrl->setText(target.alertmanager.url.toString());
    m_amAuth->setCurrentIndex(std::max(0, m_amAuth->findData(target.alertmanager.auth)));
    m_amUser->setText(target.alertmanager.username);
}

QList<QLineEdit*> TargetsDialog::secretFields() const
{
    return {m_apiKey, m_deployHook, m_renderKey, m_promCredential, m_amCredential};
}

void TargetsDialog::storeSecrets(const Target& target, std::function<void(bool)> done)
{
    QList<QPair<QString, QByteArray>> writes;
    if (!m_apiKey->text().isEmpty())
        writes.append({secretKeyGatewayApiKey(target.name), m_apiKey->text().toUtf8()});
    if (!m_renderKey->text().isEmpty())
        writes.append({secretKeyRenderApiKey(target.name), m_renderKey->text().toUtf8()});
    if (!m_promCredential->text().isEmpty())
        writes.append(
            {secretKeyPrometheusCredential(target.name), m_promCredential->text().toUtf8()});
    if (!m_amCredential->text().isEmpty())
        writes.append(
            {secretKeyAlertmanagerCredential(target.name), m_amCredential->text().toUtf8()});
    if (!m_deployHook->text().isEmpty() && !target.services.isEmpty())
        writes.append({secretKeyDeployHook(target.name, target.services.first().serviceId),
                       m_deployHook->text().toUtf8()});
    SecretStore* store = m_sessionOnly->isChecked() ? m_session : m_keychain;
    auto remaining = std::make_shared<int>(int(writes.size()));
    auto failed = std::make_shared<bool>(false);
    if (writes.isEmpty()) {
        done(true);
        return;
    }
    for (const auto& [key, value] : writes) {
        // Bound to where the form sends it, not to what the target pointed at before.
        const QString origin = secretOriginFor({target}, key);
        writeSecretFor(
            store, key, value, origin, [this, remaining, failed, done](const SecretResult& result) {
                if (!result.ok() && !*failed) {
                    *failed = true;
                    showProblem(secretErrorMessage(result.error) +
                                tr(" Nothing was written to disk; tick \"for this session only\" "
                                   "to use the key now."));
                }
                if (--*remaining == 0)
                    done(!*failed);
            });
    }
}

// Metric names override roles the console knows; anything else is a typing mistake.
QString TargetsDialog::mappingError(const QMap<QString, QString>& mapping)
{
    const auto& roles = MetricsMapping::roleNames();
    for (auto it = mapping.cbegin(); it != mapping.cend(); ++it) {
        const std::string role = it.key().toStdString();
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
            QStringList known;
            for (std::string_view r : roles)
                known << QString::fromLatin1(r.data(), qsizetype(r.size()));
            return tr("unknown metric role “%1” (known: %2)")
                .arg(it.key(), known.join(QStringLiteral(", ")));
        }
        if (it.value().isEmpty())
            return tr("the metric role “%1” has no name after '='").arg(it.key());
    }
    return {};
}

void TargetsDialog::save()
{
    const Target target = formTarget();
    QString why = target.validationError();
    if (!m_fingerprint->text().trimmed().isEmpty() && !parseFingerprint(m_fingerprint->text()))
        why = tr("the trusted certificate must be a SHA-256 (64 hex digits)");
    if (why.isEmpty())
        why = mappingError(target.metricMapping);
    if (!why.isEmpty()) {
        showTestResult(target.name, why, false);
        return;
    }
    const QString oldName = m_currentName;
    const auto saveTarget = [this, target, oldName] {
        storeSecrets(target, [this, target, oldName](bool ok) {
            if (!ok)
                return; // the banner says why; the target is not saved without its keys
            QString error;
            // Reloaded under the lock: what `bhiv-ops targets` wrote meanwhile stays.
            const bool saved = m_store->update(
                [&](TargetStore& store, QString* why) {
                    return store.replace(oldName.isEmpty() ? target.name : oldName, target, why);
                },
                &error);
            if (!saved) {
                showTestResult(target.name, error, false);
                return;
            }
            savedTarget(target);
        });
    };
    // Keys stored before they were bound to an address keep the one they were entered for.
    const auto old = m_store->find(oldName);
    if (!old) {
        saveTarget();
        return;
    }
    bindSecretsBeforeChange(m_keychain, *old, [this, old, saveTarget] {
        bindSecretsBeforeChange(m_session, *old, saveTarget);
    });
}

void TargetsDialog::savedTarget(const Target& target)
{
    m_problem->hide();
    for (QLineEdit* secret : secretFields())
        secret->clear();
    m_currentName = target.name;
    reloadList();
    refreshKeyState(target.name);
    m_testResult->setText(tr("Saved."));
    emit targetSaved(target.name);
}

void TargetsDialog::removeCurrent()
{
    const auto target = m_store->find(m_currentName);
    if (!target)
        return;
    for (const QString& key : secretKeysOf(*target)) {
        m_session->remove(key, {});
        m_keychain->remove(key, [this](const SecretResult& result) {
            if (!result.ok())
                showProblem(secretErrorMessage(result.error));
        });
    }
    QString error;
    const QString name = target->name;
    if (!m_store->update(
            [name](TargetStore& store, QString*) {
                store.remove(name);
                return true;
            },
            &error))
        showTestResult(target->name, error, false);
    emit targetRemoved(target->name);
    m_currentName.clear();
    reloadList();
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        newTarget();
}

QString TargetsDialog::testResultText() const
{
    return m_testResult->text();
}

void TargetsDialog::offerCertificateTrust(const QString& name, const QSslCertificate& certificate,
                                          const QByteArray& sha256)
{
    Q_UNUSED(name);
    m_offeredCertificate = certificate;
    m_offeredSha256 = sha256;
    m_trustButton->setVisible(!sha256.isEmpty());
}

void TargetsDialog::showTestResult(const QString& name, const QString& text, bool ok)
{
    Q_UNUSED(name);
    m_trustButton->hide();
    m_testAnswered = true;
    const bool dark = palette().color(QPalette::Window).value() < 128;
    m_testResult->setText(
        QStringLiteral("<span style=\"color:%1\">%2</span>")
            .arg(ok ? (dark ? QStringLiteral("#81c784") : QStringLiteral("#2e7d32"))
                    : (dark ? QStringLiteral("#ef9a9a") : QStringLiteral("#c62828")),
                 text.toHtmlEscaped()));
}

} // namespace ops
