#include "drill/drillhistory.h"

#include <QSettings>

namespace hafront::drill {
namespace {
const char *kGroup = "drill/history";
}

QString DrillRecord::summary() const
{
    return QStringLiteral("%1  %2  %3  %4 ms (predicted %5)%6")
        .arg(started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), vip, mode)
        .arg(downtimeMs, 0, 'f', 1)
        .arg(predictedMs, 0, 'f', 1)
        .arg(completed ? QString() : QStringLiteral("  aborted"));
}

QList<DrillRecord> DrillHistory::load() const
{
    QList<DrillRecord> out;
    const int n = m_settings.beginReadArray(kGroup);
    for (int i = 0; i < n; ++i) {
        m_settings.setArrayIndex(i);
        DrillRecord r;
        r.started = m_settings.value("started").toDateTime();
        r.cluster = m_settings.value("cluster").toString();
        r.vip = m_settings.value("vip").toString();
        r.mode = m_settings.value("mode").toString();
        r.downtimeMs = m_settings.value("downtime_ms").toDouble();
        r.predictedMs = m_settings.value("predicted_ms").toDouble();
        r.probesTotal = m_settings.value("probes_total").toInt();
        r.probesFailed = m_settings.value("probes_failed").toInt();
        r.completed = m_settings.value("completed").toBool();
        out.append(r);
    }
    m_settings.endArray();
    return out;
}

void DrillHistory::add(const DrillReport &report)
{
    DrillRecord r;
    r.started = QDateTime::fromMSecsSinceEpoch(report.startedWallUs / 1000, Qt::UTC);
    r.cluster = QString::fromStdString(report.cluster);
    r.vip = QString::fromStdString(report.vip);
    r.mode = QString::fromLatin1(modeName(report.mode));
    r.downtimeMs = report.downtimeMs;
    r.predictedMs = report.predictedMs;
    r.probesTotal = report.probesTotal;
    r.probesFailed = report.probesFailed;
    r.completed = report.completed;
    auto records = load();
    records.prepend(r);
    while (records.size() > kMaxEntries)
        records.removeLast();
    save(records);
}

void DrillHistory::save(const QList<DrillRecord> &records)
{
    m_settings.remove(kGroup);
    m_settings.beginWriteArray(kGroup, int(records.size()));
    for (int i = 0; i < records.size(); ++i) {
        const auto &r = records[i];
        m_settings.setArrayIndex(i);
        m_settings.setValue("started", r.started);
        m_settings.setValue("cluster", r.cluster);
        m_settings.setValue("vip", r.vip);
        m_settings.setValue("mode", r.mode);
        m_settings.setValue("downtime_ms", r.downtimeMs);
        m_settings.setValue("predicted_ms", r.predictedMs);
        m_settings.setValue("probes_total", r.probesTotal);
        m_settings.setValue("probes_failed", r.probesFailed);
        m_settings.setValue("completed", r.completed);
    }
    m_settings.endArray();
    m_settings.sync();
}

} // namespace hafront::drill
