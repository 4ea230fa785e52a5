#include "models/alerts/AlertStore.h"

#include "models/alerts/AlertRulesJson.h"
#include "models/domain/Logging.h"
#include "models/storage/CorruptFile.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>
#include <cmath>

namespace ops {

namespace {

QVariant number(double value)
{
    return std::isnan(value) ? QVariant() : QVariant(value);
}

double numberFrom(const QVariant& value)
{
    return value.isNull() ? std::numeric_limits<double>::quiet_NaN() : value.toDouble();
}

// A row of a kind this version does not know (written by a newer one) is left out.
std::optional<AlertTransition> transitionFrom(const QSqlQuery& q)
{
    const std::optional<TransitionKind> kind = transitionKindFromName(q.value(4).toString());
    if (!kind)
        return std::nullopt;
    AlertTransition t;
    t.id = q.value(0).toLongLong();
    t.timeMs = q.value(1).toLongLong();
    t.rule = q.value(2).toString();
    t.target = q.value(3).toString();
    t.kind = *kind;
    alertStateFromName(q.value(5).toString(), &t.from);
    alertStateFromName(q.value(6).toString(), &t.to);
    t.value = numberFrom(q.value(7));
    t.threshold = numberFrom(q.value(8));
    severityFromName(q.value(9).toString(), &t.severity);
    t.author = q.value(10).toString();
    t.comment = q.value(11).toString();
    t.untilMs = q.value(12).toLongLong();
    return t;
}

const char* const kTransitionColumns =
    "id, time_ms, rule, target, kind, from_state, to_state, value, threshold, severity, author, "
    "comment, until_ms";

} // namespace

AlertStore::AlertStore(QString path)
    : m_path(std::move(path))
{
}

AlertStore::~AlertStore() = default;

QString AlertStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/alerts.sqlite");
}

bool AlertStore::exec(const QString& sql)
{
    QSqlQuery q(m_connection.database());
    if (!q.exec(sql)) {
        m_error = q.lastError().text();
        qCWarning(lcAlertStore) << "alert store:" << sql << m_error;
        return false;
    }
    return true;
}

bool AlertStore::open()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    // A damaged database is set aside and a fresh one started (recoveryNotice() says so).
    const CheckedSqlite checked = m_connection.open(m_path, QStringLiteral("The alert history"));
    m_recoveryNotice = checked.notice;
    if (!checked.ok) {
        m_error = checked.error;
        return false;
    }
    m_readOnly = checked.readOnly;
    m_readOnlyNotice = checked.readOnlyNotice;
    if (m_readOnly) { // what it holds can be read; nothing is created or changed
        m_error = m_readOnlyNotice;
        m_open = true;
        return true;
    }
    // WAL, synchronous=FULL and the busy timeout are set by the connection.
    const bool ok =
        exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS transitions (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "time_ms INTEGER NOT NULL, rule TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT "
            "NULL, from_state TEXT, to_state TEXT, value REAL, threshold REAL, severity TEXT, "
            "author TEXT, comment TEXT, until_ms INTEGER)")) &&
        exec(QStringLiteral(
            "CREATE INDEX IF NOT EXISTS transitions_time ON transitions(time_ms)")) &&
        exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS alerts (rule TEXT NOT NULL, target TEXT NOT NULL, state "
            "TEXT, since_ms INTEGER, active_since_ms INTEGER, firing_since_ms INTEGER, "
            "episode_firing INTEGER, severity TEXT, value REAL, ack_author TEXT, ack_comment "
            "TEXT, ack_at_ms INTEGER, ack_until_ms INTEGER, snooze_author TEXT, snooze_comment "
            "TEXT, snooze_at_ms INTEGER, snooze_until_ms INTEGER, flapping INTEGER, "
            "PRIMARY KEY (rule, target))")) &&
        exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS acknowledgements (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "rule TEXT, target TEXT, author TEXT, comment TEXT, at_ms INTEGER, until_ms "
            "INTEGER)")) &&
        exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS snoozes (id INTEGER PRIMARY KEY AUTOINCREMENT, rule "
            "TEXT, target TEXT, author TEXT, comment TEXT, at_ms INTEGER, until_ms INTEGER)")) &&
        exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "time_ms INTEGER, rule TEXT, target TEXT, state TEXT, channel TEXT, ok INTEGER, "
            "detail TEXT)")) &&
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS rules (position INTEGER PRIMARY KEY, "
                            "name TEXT, json TEXT)")) &&
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value "
                            "TEXT)"));
    m_open = ok;
    return ok;
}

bool AlertStore::writable() const
{
    if (m_open && m_readOnly)
        m_error = m_readOnlyNotice;
    return m_open && !m_readOnly;
}

qint64 AlertStore::appendTransition(const AlertTransition& t)
{
    if (!writable())
        return 0;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral(
        "INSERT INTO transitions (time_ms, rule, target, kind, from_state, to_state, value, "
        "threshold, severity, author, comment, until_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
    q.addBindValue(t.timeMs);
    q.addBindValue(t.rule);
    q.addBindValue(t.target);
    q.addBindValue(transitionKindName(t.kind));
    q.addBindValue(alertStateName(t.from));
    q.addBindValue(alertStateName(t.to));
    q.addBindValue(number(t.value));
    q.addBindValue(number(t.threshold));
    q.addBindValue(severityName(t.severity));
    q.addBindValue(t.author);
    q.addBindValue(t.comment);
    q.addBindValue(t.untilMs);
    if (!q.exec()) {
        m_error = q.lastError().text();
        qCWarning(lcAlertStore) << "cannot store transition:" << m_error;
        return 0;
    }
    const qint64 id = q.lastInsertId().toLongLong();
    if (m_retentionMs > 0 && ++m_appendsSincePrune >= kPruneEvery) {
        m_appendsSincePrune = 0;
        pruneBefore(t.timeMs - m_retentionMs);
    }
    return id;
}

qint64 AlertStore::pruneBefore(qint64 cutoffMs)
{
    if (!writable())
        return -1;
    QSqlDatabase db = m_connection.database();
    if (!db.transaction())
        return -1;
    qint64 deleted = 0;
    const std::pair<const char*, const char*> tables[] = {{"transitions", "time_ms"},
                                                          {"notifications", "time_ms"},
                                                          {"acknowledgements", "at_ms"},
                                                          {"snoozes", "at_ms"}};
    for (const auto& [table, column] : tables) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM %1 WHERE %2 < ?")
                      .arg(QLatin1String(table), QLatin1String(column)));
        q.addBindValue(cutoffMs);
        if (!q.exec()) {
            m_error = q.lastError().text();
            qCWarning(lcAlertStore) << "cannot prune" << table << ":" << m_error;
            db.rollback();
            return -1;
        }
        deleted += q.numRowsAffected();
    }
    if (!db.commit())
        return -1;
    return deleted;
}

QList<AlertTransition> AlertStore::history(const AlertHistoryFilter& filter) const
{
    QList<AlertTransition> out;
    if (!m_open)
        return out;
    QString sql = QStringLiteral("SELECT %1 FROM transitions WHERE time_ms >= ? AND time_ms < ?")
                      .arg(QLatin1String(kTransitionColumns));
    QVariantList binds{filter.fromMs, filter.toMs};
    if (!filter.rule.isEmpty()) {
        sql += QStringLiteral(" AND rule = ?");
        binds << filter.rule;
    }
    if (!filter.target.isEmpty()) {
        sql += QStringLiteral(" AND target = ?");
        binds << filter.target;
    }
    if (filter.kind) {
        sql += QStringLiteral(" AND kind = ?");
        binds << transitionKindName(*filter.kind);
    }
    if (!filter.text.isEmpty()) {
        sql += QStringLiteral(" AND (instr(lower(rule), lower(?)) OR instr(lower(target), "
                              "lower(?)) OR instr(lower(author), lower(?)) OR "
                              "instr(lower(comment), lower(?)))");
        binds << filter.text << filter.text << filter.text << filter.text;
    }
    sql += QStringLiteral(" ORDER BY time_ms, id LIMIT ?");
    binds << filter.limit;
    QSqlQuery q(m_connection.database());
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant& v : binds)
        q.addBindValue(v);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return out;
    }
    while (q.next()) {
        if (std::optional<AlertTransition> t = transitionFrom(q))
            out << *t;
    }
    return out;
}

QList<AlertTransition> AlertStore::transitionsBetween(qint64 fromMs, qint64 toMs) const
{
    AlertHistoryFilter filter;
    filter.fromMs = fromMs;
    filter.toMs = toMs;
    filter.limit = 100000;
    return history(filter);
}

qint64 AlertStore::transitionCount() const
{
    QSqlQuery q(m_connection.database());
    if (!m_open || !q.exec(QStringLiteral("SELECT COUNT(*) FROM transitions")) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

bool AlertStore::saveStatus(const AlertStatus& s)
{
    if (!writable())
        return false;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO alerts (rule, target, state, since_ms, active_since_ms, "
        "firing_since_ms, episode_firing, severity, value, ack_author, ack_comment, ack_at_ms, "
        "ack_until_ms, snooze_author, snooze_comment, snooze_at_ms, snooze_until_ms, flapping) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    q.addBindValue(s.key.rule);
    q.addBindValue(s.key.target);
    q.addBindValue(alertStateName(s.state));
    q.addBindValue(s.sinceMs);
    q.addBindValue(s.activeSinceMs);
    q.addBindValue(s.firingSinceMs);
    q.addBindValue(s.episodeFiring ? 1 : 0);
    q.addBindValue(severityName(s.severity));
    q.addBindValue(number(s.value));
    q.addBindValue(s.ack ? QVariant(s.ack->author) : QVariant());
    q.addBindValue(s.ack ? s.ack->comment : QString());
    q.addBindValue(s.ack ? s.ack->atMs : 0);
    q.addBindValue(s.ack ? s.ack->untilMs : 0);
    q.addBindValue(s.snooze ? QVariant(s.snooze->author) : QVariant());
    q.addBindValue(s.snooze ? s.snooze->comment : QString());
    q.addBindValue(s.snooze ? s.snooze->atMs : 0);
    q.addBindValue(s.snooze ? s.snooze->untilMs : 0);
    q.addBindValue(s.flapping ? 1 : 0);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return false;
    }
    return true;
}

QList<AlertStatus> AlertStore::loadStatuses() const
{
    QList<AlertStatus> out;
    QSqlQuery q(m_connection.database());
    if (!m_open ||
        !q.exec(QStringLiteral(
            "SELECT rule, target, state, since_ms, active_since_ms, firing_since_ms, "
            "episode_firing, severity, value, ack_author, ack_comment, ack_at_ms, ack_until_ms, "
            "snooze_author, snooze_comment, snooze_at_ms, snooze_until_ms, flapping FROM alerts")))
        return out;
    while (q.next()) {
        AlertStatus s;
        s.key = {q.value(0).toString(), q.value(1).toString()};
        alertStateFromName(q.value(2).toString(), &s.state);
        s.sinceMs = q.value(3).toLongLong();
        s.activeSinceMs = q.value(4).toLongLong();
        s.firingSinceMs = q.value(5).toLongLong();
        s.episodeFiring = q.value(6).toInt() != 0;
        severityFromName(q.value(7).toString(), &s.severity);
        s.value = numberFrom(q.value(8));
        if (!q.value(9).isNull())
            s.ack = Acknowledgement{q.value(9).toString(), q.value(10).toString(),
                                    q.value(11).toLongLong(), q.value(12).toLongLong()};
        if (!q.value(13).isNull())
            s.snooze = Snooze{q.value(13).toString(), q.value(14).toString(),
                              q.value(15).toLongLong(), q.value(16).toLongLong()};
        s.flapping = q.value(17).toInt() != 0;
        out << s;
    }
    return out;
}

bool AlertStore::appendAcknowledgement(const AlertKey& key, const Acknowledgement& ack)
{
    if (!writable())
        return false;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("INSERT INTO acknowledgements (rule, target, author, comment, "
                             "at_ms, until_ms) VALUES (?,?,?,?,?,?)"));
    for (const QVariant& v :
         QVariantList{key.rule, key.target, ack.author, ack.comment, ack.atMs, ack.untilMs})
        q.addBindValue(v);
    return m_open && q.exec();
}

bool AlertStore::appendSnooze(const AlertKey& key, const Snooze& snooze)
{
    if (!writable())
        return false;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("INSERT INTO snoozes (rule, target, author, comment, at_ms, "
                             "until_ms) VALUES (?,?,?,?,?,?)"));
    for (const QVariant& v : QVariantList{key.rule, key.target, snooze.author, snooze.comment,
                                          snooze.atMs, snooze.untilMs})
        q.addBindValue(v);
    return m_open && q.exec();
}

qint64 AlertStore::appendNotification(const NotificationRecord& r)
{
    if (!writable())
        return 0;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("INSERT INTO notifications (time_ms, rule, target, state, channel, "
                             "ok, detail) VALUES (?,?,?,?,?,?,?)"));
    for (const QVariant& v : QVariantList{r.timeMs, r.key.rule, r.key.target, r.state, r.channel,
                                          r.ok ? 1 : 0, r.detail})
        q.addBindValue(v);
    if (!m_open || !q.exec())
        return 0;
    return q.lastInsertId().toLongLong();
}

QList<NotificationRecord> AlertStore::notificationsBetween(qint64 fromMs, qint64 toMs,
                                                           const QString& target) const
{
    QList<NotificationRecord> out;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("SELECT id, time_ms, rule, target, state, channel, ok, detail FROM "
                             "notifications WHERE time_ms >= ? AND time_ms < ? AND (? = '' OR "
                             "target = ?) ORDER BY time_ms, id"));
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    // A null QString binds as NULL, which "? = ''" never matches.
    const QString anyTarget = target.isNull() ? QStringLiteral("") : target;
    q.addBindValue(anyTarget);
    q.addBindValue(anyTarget);
    if (!m_open || !q.exec())
        return out;
    while (q.next()) {
        NotificationRecord r;
        r.id = q.value(0).toLongLong();
        r.timeMs = q.value(1).toLongLong();
        r.key = {q.value(2).toString(), q.value(3).toString()};
        r.state = q.value(4).toString();
        r.channel = q.value(5).toString();
        r.ok = q.value(6).toInt() != 0;
        r.detail = q.value(7).toString();
        out << r;
    }
    return out;
}

QList<NotificationRecord> AlertStore::notifications(const AlertKey& key) const
{
    QList<NotificationRecord> out;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("SELECT id, time_ms, rule, target, state, channel, ok, detail FROM "
                             "notifications WHERE (? = '' OR rule = ?) AND (? = '' OR target = "
                             "?) ORDER BY id"));
    for (const QString& v : {key.rule, key.rule, key.target, key.target})
        q.addBindValue(v);
    if (!m_open || !q.exec())
        return out;
    while (q.next()) {
        NotificationRecord r;
        r.id = q.value(0).toLongLong();
        r.timeMs = q.value(1).toLongLong();
        r.key = {q.value(2).toString(), q.value(3).toString()};
        r.state = q.value(4).toString();
        r.channel = q.value(5).toString();
        r.ok = q.value(6).toInt() != 0;
        r.detail = q.value(7).toString();
        out << r;
    }
    return out;
}

bool AlertStore::saveRules(const QList<AlertRule>& rules)
{
    if (!writable())
        return false;
    QSqlDatabase db = m_connection.database();
    db.transaction();
    QSqlQuery q(db);
    bool ok = q.exec(QStringLiteral("DELETE FROM rules"));
    for (int i = 0; ok && i < rules.size(); ++i) {
        q.prepare(QStringLiteral("INSERT INTO rules (position, name, json) VALUES (?,?,?)"));
        q.addBindValue(i);
        q.addBindValue(rules[i].name);
        q.addBindValue(QString::fromUtf8(alertRuleToJson(rules[i])));
        ok = q.exec();
    }
    ok = ok && q.exec(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES "
                                     "('rules_saved', '1')"));
    if (!ok) {
        m_error = q.lastError().text();
        db.rollback();
        return false;
    }
    return db.commit();
}

std::optional<QList<AlertRule>> AlertStore::loadRules() const
{
    QSqlQuery q(m_connection.database());
    if (!m_open || !q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'rules_saved'")) ||
        !q.next())
        return std::nullopt;
    QList<AlertRule> rules;
    QByteArray json = "{\"rules\": [";
    if (!q.exec(QStringLiteral("SELECT json FROM rules ORDER BY position")))
        return std::nullopt;
    bool first = true;
    while (q.next()) {
        if (!first)
            json += ',';
        json += q.value(0).toString().toUtf8();
        first = false;
    }
    json += "]}";
    const AlertRulesParseResult parsed = parseAlertRules(json);
    if (!parsed.ok) {
        m_error = parsed.errorString();
        return std::nullopt;
    }
    return parsed.rules;
}

} // namespace ops
