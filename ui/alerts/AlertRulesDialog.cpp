#include "ui/alerts/AlertRulesDialog.h"

#include "models/alerts/AlertRulesJson.h"
#include "models/alerts/AlertRulesModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace ops {

namespace {

QComboBox* combo(QWidget* parent, const QStringList& items)
{
    auto* box = new QComboBox(parent);
    box->addItems(items);
    return box;
}

QDoubleSpinBox* number(QWidget* parent)
{
    auto* spin = new QDoubleSpinBox(parent);
    spin->setRange(-1e12, 1e12);
    spin->setDecimals(4);
    spin->setSingleStep(0.1);
    return spin;
}

} // namespace

AlertRulesDialog::AlertRulesDialog(const QList<AlertRule>& rules, QWidget* parent)
    : QDialog(parent)
    , m_model(new AlertRulesModel(this))
    , m_table(new QTableView(this))
    , m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("alertRulesDialog"));
    setWindowTitle(tr("Alert rules"));
    m_model->setRules(rules);
    auto* layout = new QVBoxLayout(this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    QWidget* left = buildRuleList(splitter);
    QWidget* form = buildRuleForm(splitter);
    splitter->addWidget(left);
    splitter->addWidget(form);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    m_problem->setObjectName(QStringLiteral("rulesProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
    layout->addWidget(m_problem);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connectForm();

    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(AlertRulesModel::ConditionColumn,
                                                      QHeaderView::Stretch);
    m_table->setWordWrap(true);
    resize(1300, 640);
    if (m_model->rowCount() > 0)
        m_table->selectRow(0);
    validate();
}

// The rules' table and the buttons under it.
QWidget* AlertRulesDialog::buildRuleList(QWidget* parent)
{
    auto* left = new QWidget(parent);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_table->setObjectName(QStringLiteral("rulesTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Rules"));
    leftLayout->addWidget(m_table, 1);
    leftLayout->addLayout(buildRowButtons(left));
    return left;
}

// Add, duplicate, remove, import, export, and back to the defaults.
QLayout* AlertRulesDialog::buildRowButtons(QWidget* left)
{
    auto* rowButtons = new QHBoxLayout;
    auto* add = new QPushButton(tr("&Add"), left);
    auto* duplicate = new QPushButton(tr("Du&plicate"), left);
    auto* remove = new QPushButton(tr("&Remove"), left);
    auto* import = new QPushButton(tr("&Import…"), left);
    auto* exportButton = new QPushButton(tr("E&xport…"), left);
    auto* defaults = new QPushButton(tr("Defau&lts"), left);
    for (QPushButton* b : {add, duplicate, remove, import, exportButton, defaults})
        rowButtons->addWidget(b);
    rowButtons->addStretch(1);
    connect(add, &QPushButton::clicked, this, [this] {
        AlertRule rule;
        rule.name = tr("new_rule");
        rule.forMs = 30'000;
        rule.windowMs = 60'000;
        m_table->selectRow(m_model->addRule(rule));
        m_name->setFocus();
        m_name->selectAll();
    });
    connect(duplicate, &QPushButton::clicked, this, [this] {
        if (currentRow() < 0)
            return;
        AlertRule rule = m_model->ruleAt(currentRow());
        rule.name += QStringLiteral("_copy");
        m_table->selectRow(m_model->addRule(rule));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = currentRow();
        if (row < 0)
            return;
        m_row = -1;
        m_model->removeRule(row);
        m_table->selectRow(std::min(row, m_model->rowCount() - 1));
        validate();
    });
    connect(defaults, &QPushButton::clicked, this, [this] {
        m_row = -1;
        m_model->setRules(defaultAlertRules());
        m_table->selectRow(0);
        validate();
    });
    connect(import, &QPushButton::clicked, this, &AlertRulesDialog::importRules);
    connect(exportButton, &QPushButton::clicked, this, &AlertRulesDialog::exportRules);
    return rowButtons;
}

// The selected rule's fields: what it reads, when it fires, and what it says.
QWidget* AlertRulesDialog::buildRuleForm(QWidget* parent)
{
    auto* form = new QGroupBox(tr("Selected rule"), parent);
    auto* f = new QFormLayout(form);
    addSourceRows(form, f);
    addConditionRows(form, f);
    addOutcomeRows(form, f);
    return form;
}

// Its name, and the signal or metric (with its labels and aggregation) it watches.
void AlertRulesDialog::addSourceRows(QWidget* form, QFormLayout* f)
{
    m_name = new QLineEdit(form);
    m_enabled = new QCheckBox(tr("Enabled"), form);
    auto* nameRow = new QHBoxLayout;
    nameRow->addWidget(m_name, 1);
    nameRow->addWidget(m_enabled);
    f->addRow(tr("Name:"), nameRow);
    m_signal = combo(form, AlertSignals::all());
    f->addRow(tr("&Signal:"), m_signal);
    m_metric = new QLineEdit(form);
    m_metric->setPlaceholderText(tr("metric name, e.g. http_requests_total"));
    f->addRow(tr("&Metric:"), m_metric);
    m_matchers = new QLineEdit(form);
    m_matchers->setPlaceholderText(tr("status=~5.., path=/api"));
    f->addRow(tr("Label matc&hers:"), m_matchers);
    m_seriesAggregation =
        combo(form, {QStringLiteral("sum"), QStringLiteral("avg"), QStringLiteral("max"),
                     QStringLiteral("min"), QStringLiteral("count")});
    f->addRow(tr("Across series:"), m_seriesAggregation);
    m_component = new QLineEdit(form);
    m_component->setPlaceholderText(tr("any component"));
    f->addRow(tr("&Component:"), m_component);
}

// The condition, its recovery, and how long it must hold.
void AlertRulesDialog::addConditionRows(QWidget* form, QFormLayout* f)
{
    auto* condition = new QHBoxLayout;
    m_aggregation =
        combo(form, {QStringLiteral("avg"), QStringLiteral("max"), QStringLiteral("min"),
                     QStringLiteral("last"), QStringLiteral("sum"), QStringLiteral("increase")});
    m_op = combo(form, {QStringLiteral(">"), QStringLiteral(">="), QStringLiteral("<"),
                        QStringLiteral("<="), QStringLiteral("=="), QStringLiteral("!=")});
    m_threshold = number(form);
    condition->addWidget(m_aggregation);
    condition->addWidget(m_op);
    condition->addWidget(m_threshold, 1);
    f->addRow(tr("Fires when:"), condition);
    auto* recovery = new QHBoxLayout;
    m_hasRecovery = new QCheckBox(tr("resolve only past"), form);
    m_recovery = number(form);
    recovery->addWidget(m_hasRecovery);
    recovery->addWidget(m_recovery, 1);
    f->addRow(tr("Recovery:"), recovery);
    m_window = new QLineEdit(form);
    m_window->setPlaceholderText(tr("0 = latest poll; 30s, 5m, 1h"));
    f->addRow(tr("&Window:"), m_window);
    m_for = new QLineEdit(form);
    f->addRow(tr("Pending &for:"), m_for);
    m_keepFiring = new QLineEdit(form);
    f->addRow(tr("&Keep firing for:"), m_keepFiring);
}

// Its severity, what no data and errors mean, the targets it covers and its summary.
void AlertRulesDialog::addOutcomeRows(QWidget* form, QFormLayout* f)
{
    m_severity = combo(
        form, {QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("critical")});
    f->addRow(tr("Se&verity:"), m_severity);
    m_noData = combo(form, {QStringLiteral("nodata"), QStringLiteral("normal"),
                            QStringLiteral("alerting"), QStringLiteral("keep_last")});
    f->addRow(tr("No &data:"), m_noData);
    m_onError = combo(form, {QStringLiteral("error"), QStringLiteral("normal"),
                             QStringLiteral("alerting"), QStringLiteral("keep_last")});
    f->addRow(tr("On &error:"), m_onError);
    m_target = new QLineEdit(form);
    m_target->setPlaceholderText(tr("every target"));
    f->addRow(tr("&Target:"), m_target);
    m_summary = new QLineEdit(form);
    m_summary->setPlaceholderText(tr("{value} and {threshold} are filled in"));
    f->addRow(tr("S&ummary:"), m_summary);
}

// The form follows the selected row; each edit is stored into the rule at once.
void AlertRulesDialog::connectForm()
{
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { loadForm(current.row()); });
    for (QLineEdit* edit : {m_name, m_metric, m_matchers, m_component, m_window, m_for,
                            m_keepFiring, m_target, m_summary})
        connect(edit, &QLineEdit::textEdited, this, &AlertRulesDialog::storeForm);
    for (QComboBox* box :
         {m_signal, m_seriesAggregation, m_aggregation, m_op, m_severity, m_noData, m_onError})
        connect(box, &QComboBox::currentIndexChanged, this, &AlertRulesDialog::storeForm);
    for (QDoubleSpinBox* spin : {m_threshold, m_recovery})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &AlertRulesDialog::storeForm);
    for (QCheckBox* box : {m_enabled, m_hasRecovery})
        connect(box, &QCheckBox::toggled, this, &AlertRulesDialog::storeForm);
}

QList<AlertRule> AlertRulesDialog::rules() const
{
    return m_model->rules();
}

int AlertRulesDialog::currentRow() const
{
    return m_table->currentIndex().isValid() ? m_table->currentIndex().row() : -1;
}

void AlertRulesDialog::loadForm(int row)
{
    m_row = row;
    const AlertRule r = m_model->ruleAt(row);
    m_loading = true;
    m_name->setText(r.name);
    m_enabled->setChecked(r.enabled);
    m_signal->setCurrentText(r.signal);
    m_metric->setText(r.metric);
    QStringList matchers;
    for (const LabelMatcher& m : r.matchers)
        matchers << m.name + matcherOpSymbol(m.op) + m.value;
    m_matchers->setText(matchers.join(QStringLiteral(", ")));
    m_seriesAggregation->setCurrentText(seriesAggregationName(r.seriesAggregation));
    m_component->setText(r.component);
    m_aggregation->setCurrentText(windowAggregationName(r.aggregation));
    m_op->setCurrentText(comparisonSymbol(r.op));
    m_threshold->setValue(r.threshold);
    m_hasRecovery->setChecked(r.hasRecoveryThreshold);
    m_recovery->setValue(r.recoveryThreshold);
    m_window->setText(formatDuration(r.windowMs));
    m_for->setText(formatDuration(r.forMs));
    m_keepFiring->setText(formatDuration(r.keepFiringForMs));
    m_severity->setCurrentText(severityName(r.severity));
    m_noData->setCurrentText(noDataPolicyName(r.noData));
    m_onError->setCurrentText(errorPolicyName(r.error));
    m_target->setText(r.target);
    m_summary->setText(r.summary);
    m_loading = false;
    updateSignalFields();
}

void AlertRulesDialog::updateSignalFields()
{
    const bool metric = m_signal->currentText() == QLatin1String(AlertSignals::Metric);
    m_metric->setEnabled(metric);
    m_matchers->setEnabled(metric);
    m_seriesAggregation->setEnabled(metric);
    m_component->setEnabled(m_signal->currentText() == QLatin1String(AlertSignals::ComponentDown));
    m_recovery->setEnabled(m_hasRecovery->isChecked());
    // The threshold in the signal's stored unit, said next to it, with a precision that suits
    // it (not "1.0000").
    const QString unit = signalUnit(m_signal->currentText());
    const QString suffix = unit == u"ratio" ? tr(" (fraction, 0.05 = 5 %)")
                           : unit.isEmpty() ? QString()
                                            : QLatin1Char(' ') + unit;
    const int decimals = unit == u"ratio" ? 4 : unit == u"s" ? 3 : 2;
    for (QDoubleSpinBox* spin : {m_threshold, m_recovery}) {
        spin->setSuffix(suffix);
        spin->setDecimals(decimals);
    }
}

void AlertRulesDialog::storeForm()
{
    if (m_loading || m_row < 0)
        return;
    updateSignalFields();
    // The rule goes through the JSON reader: the form accepts what a rules file accepts.
    QJsonObject o;
    o.insert(QStringLiteral("name"), m_name->text().trimmed());
    o.insert(QStringLiteral("signal"), m_signal->currentText());
    if (m_metric->isEnabled())
        o.insert(QStringLiteral("metric"), m_metric->text().trimmed());
    if (m_matchers->isEnabled() && !m_matchers->text().trimmed().isEmpty()) {
        QJsonArray matchers;
        for (const QString& m : m_matchers->text().split(u',', Qt::SkipEmptyParts))
            matchers.append(m.trimmed());
        o.insert(QStringLiteral("matchers"), matchers);
        o.insert(QStringLiteral("series_aggregation"), m_seriesAggregation->currentText());
    }
    if (m_component->isEnabled() && !m_component->text().trimmed().isEmpty())
        o.insert(QStringLiteral("component"), m_component->text().trimmed());
    o.insert(QStringLiteral("op"), m_op->currentText());
    o.insert(QStringLiteral("threshold"), m_threshold->value());
    if (m_hasRecovery->isChecked())
        o.insert(QStringLiteral("recovery_threshold"), m_recovery->value());
    o.insert(QStringLiteral("aggregation"), m_aggregation->currentText());
    o.insert(QStringLiteral("window"), m_window->text().trimmed());
    o.insert(QStringLiteral("for"), m_for->text().trimmed());
    o.insert(QStringLiteral("keep_firing_for"), m_keepFiring->text().trimmed().isEmpty()
                                                    ? QStringLiteral("0")
                                                    : m_keepFiring->text().trimmed());
    o.insert(QStringLiteral("severity"), m_severity->currentText());
    o.insert(QStringLiteral("no_data"), m_noData->currentText());
    o.insert(QStringLiteral("on_error"), m_onError->currentText());
    if (!m_target->text().trimmed().isEmpty())
        o.insert(QStringLiteral("target"), m_target->text().trimmed());
    o.insert(QStringLiteral("enabled"), m_enabled->isChecked());
    if (!m_summary->text().isEmpty())
        o.insert(QStringLiteral("summary"), m_summary->text());
    const AlertRulesParseResult parsed = parseAlertRules(
        QJsonDocument(QJsonObject{{QStringLiteral("rules"), QJsonArray{o}}}).toJson());
    if (!parsed.ok) {
        m_problem->setText(parsed.errors.first().message);
        m_ok->setEnabled(false);
        return;
    }
    m_model->setRule(m_row, parsed.rules.first());
    validate();
}

void AlertRulesDialog::validate()
{
    const QString problem = m_model->validate();
    m_problem->setText(problem);
    m_ok->setEnabled(problem.isEmpty());
}

void AlertRulesDialog::importRules()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Import alert rules"), {}, tr("Rules (*.json)"));
    if (path.isEmpty())
        return;
    const AlertRulesParseResult parsed = loadAlertRulesFile(path);
    if (!parsed.ok) {
        QMessageBox::warning(this, tr("Import alert rules"), parsed.errorString(path));
        return;
    }
    m_row = -1;
    m_model->setRules(parsed.rules);
    m_table->selectRow(0);
    validate();
}

void AlertRulesDialog::exportRules()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export alert rules"), QStringLiteral("alert-rules.json"), tr("Rules (*.json)"));
    QString error;
    if (!path.isEmpty() && !saveAlertRulesFile(path, m_model->rules(), &error))
        QMessageBox::warning(this, tr("Export alert rules"), error);
}

} // namespace ops
