// DrillHistory: past drills with their downtime, kept in QSettings (group
// "drill/history", newest first, at most 50) so the console can list them.
#pragma once

#include "drill/drillreport.h"

#include <QDateTime>
#include <QList>
#include <QString>

class QSettings;

namespace hafront::drill {

struct DrillRecord {
    QDateTime started;
    QString cluster;
    QString vip;
    QString mode;
    double downtimeMs = 0;
    double predictedMs = 0;
    int probesTotal = 0;
    int probesFailed = 0;
    bool completed = false;
    QString summary() const; // "2026-11-25 06:10  www  graceful  12.0 ms (predicted 5.0)"
};

class DrillHistory {
public:
    static constexpr int kMaxEntries = 50;
    explicit DrillHistory(QSettings &settings) : m_settings(settings) {}

    QList<DrillRecord> load() const;
    void add(const DrillReport &report);

private:
    void save(const QList<DrillRecord> &records);
    QSettings &m_settings;
};

} // namespace hafront::drill
