// DrillDialog: the console's failover drill for one VIP — mode, rate and probe
// URL (pre-filled from the VIP's listener), pre-checks, a live chart of probe
// latency and failures, Abort, the report with JSON/HTML export, past drills.
// Sees the cluster through a ClusterObserver: in the console the ModelObserver
// over the main window's ClusterModel, so it reads what the window shows.
#pragma once

#include "drill/clusterobserver.h"
#include "drill/drillreport.h"
#include "hafront/v1/cluster.pb.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;

namespace hafront::drill {

class DrillChart;
class DrillRunner;

class DrillDialog : public QDialog {
    Q_OBJECT
public:
    DrillDialog(const v1::Cluster &cluster, const QString &vip, std::unique_ptr<ClusterObserver> observer,
                QWidget *parent = nullptr);
    ~DrillDialog() override;

    // Shows a finished drill's report (also used for recorded reports).
    void showReport(const DrillReport &report);
    void showPrechecks(const std::vector<Check> &checks);
    bool hasReport() const { return m_haveReport; }
    const DrillReport &report() const { return m_report; }

private:
    void buildUi();
    void runPrechecks();
    void runDrill();
    void abortDrill();
    void exportJson();
    void exportHtml();
    void reloadHistory();
    void setRunning(bool running);
    std::unique_ptr<DrillRunner> makeRunner();

    v1::Cluster m_cluster;
    QString m_vip;
    DrillReport m_report;
    bool m_haveReport = false;
    std::unique_ptr<ClusterObserver> m_observer; // before m_runner: the runner goes first
    std::unique_ptr<DrillRunner> m_runner;
    QComboBox *m_mode = nullptr;
    QSpinBox *m_rate = nullptr;
    QSpinBox *m_duration = nullptr;
    QLineEdit *m_probe = nullptr;
    QCheckBox *m_failback = nullptr;
    QTreeWidget *m_checks = nullptr;
    DrillChart *m_chart = nullptr;
    QLabel *m_status = nullptr;
    QTableWidget *m_summary = nullptr;
    QListWidget *m_history = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_abort = nullptr;
    QPushButton *m_saveJson = nullptr;
    QPushButton *m_saveHtml = nullptr;
};

} // namespace hafront::drill
