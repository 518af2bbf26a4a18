#include "drill/widgets/drilldialog.h"

#include "drill/drillhistory.h"
#include "drill/drillrunner.h"
#include "drill/widgets/drillchart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace hafront::drill {

DrillDialog::DrillDialog(const v1::Cluster &cluster, const QString &vip, std::unique_ptr<ClusterObserver> observer,
                         QWidget *parent)
    : QDialog(parent), m_cluster(cluster), m_vip(vip), m_observer(std::move(observer))
{
    setWindowTitle(tr("Failover drill: VIP %1").arg(vip));
    buildUi();
    if (auto url = DrillRunner::defaultProbeUrl(cluster, vip.toStdString()))
        m_probe->setText(QString::fromStdString(url.value()));
    reloadHistory();
    setRunning(false);
}

DrillDialog::~DrillDialog()
{
    if (m_runner && m_runner->running())
        m_runner->abort(tr("dialog closed"));
}

void DrillDialog::buildUi()
{
    auto *form = new QFormLayout;
    m_mode = new QComboBox;
    m_mode->addItem(tr("Graceful (planned handover)"), int(Mode::Graceful));
    m_mode->addItem(tr("Crash (master goes silent)"), int(Mode::Crash));
    m_rate = new QSpinBox;
    m_rate->setRange(1, 2000);
    m_rate->setValue(200);
    m_rate->setSuffix(tr(" probes/s"));
    m_duration = new QSpinBox;
    m_duration->setRange(3, 300);
    m_duration->setValue(6);
    m_duration->setSuffix(tr(" s"));
    m_probe = new QLineEdit;
    m_probe->setPlaceholderText(tr("http://A.B.C.D:PORT/path or tcp://A.B.C.D:PORT"));
    m_failback = new QCheckBox(tr("Fail back to the original master"));
    m_failback->setChecked(true);
    form->addRow(tr("Mode"), m_mode);
    form->addRow(tr("Rate"), m_rate);
    form->addRow(tr("Duration"), m_duration);
    form->addRow(tr("Probe URL"), m_probe);
    form->addRow(QString(), m_failback);

    m_checks = new QTreeWidget;
    m_checks->setHeaderLabels({tr("Pre-check"), tr("Result")});
    m_checks->setRootIsDecorated(false);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_checks->setMaximumHeight(130);

    m_chart = new DrillChart;
    m_status = new QLabel(tr("Ready."));
    m_status->setWordWrap(true);
    m_summary = new QTableWidget(0, 5);
    m_summary->setHorizontalHeaderLabels({tr("Phase"), tr("Downtime"), tr("Predicted"), tr("Probes"), tr("Failed")});
    m_summary->verticalHeader()->hide();
    m_summary->horizontalHeader()->setStretchLastSection(true);
    m_summary->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setMaximumHeight(110);
    m_history = new QListWidget;
    m_history->setMaximumHeight(90);

    m_check = new QPushButton(tr("Check"));
    m_run = new QPushButton(tr("Run drill"));
    m_abort = new QPushButton(tr("Abort"));
    m_saveJson = new QPushButton(tr("Export JSON…"));
    m_saveHtml = new QPushButton(tr("Export HTML…"));
    auto *close = new QPushButton(tr("Close"));
    connect(m_check, &QPushButton::clicked, this, &DrillDialog::runPrechecks);
    connect(m_run, &QPushButton::clicked, this, &DrillDialog::runDrill);
    connect(m_abort, &QPushButton::clicked, this, &DrillDialog::abortDrill);
    connect(m_saveJson, &QPushButton::clicked, this, &DrillDialog::exportJson);
    connect(m_saveHtml, &QPushButton::clicked, this, &DrillDialog::exportHtml);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    auto *buttons = new QHBoxLayout;
    for (auto *b : {m_check, m_run, m_abort})
        buttons->addWidget(b);
    buttons->addStretch();
    for (auto *b : {m_saveJson, m_saveHtml, close})
        buttons->addWidget(b);

    auto *top = new QHBoxLayout;
    top->addLayout(form, 3);
    top->addWidget(m_checks, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_summary);
    layout->addWidget(new QLabel(tr("Past drills")));
    layout->addWidget(m_history);
    layout->addLayout(buttons);
    resize(900, 720);
}

std::unique_ptr<DrillRunner> DrillDialog::makeRunner()
{
    DrillRunner::Options o;
    o.cluster = m_cluster;
    o.vip = m_vip.toStdString();
    o.mode = Mode(m_mode->currentData().toInt());
    o.rateHz = m_rate->value();
    o.durationMs = m_duration->value() * 1000;
    o.probeUrl = m_probe->text().trimmed().toStdString();
    o.failback = m_failback->isChecked();
    auto runner = std::make_unique<DrillRunner>(o, *m_observer);
    connect(runner.get(), &DrillRunner::progress, m_status, &QLabel::setText);
    connect(runner.get(), &DrillRunner::prechecked, this, [this](const PrecheckResult &r) { showPrechecks(r.checks); });
    connect(runner.get(), &DrillRunner::probesArrived, m_chart, &DrillChart::addProbes);
    return runner;
}

void DrillDialog::showPrechecks(const std::vector<Check> &checks)
{
    m_checks->clear();
    for (const auto &c : checks) {
        auto *item = new QTreeWidgetItem(
            m_checks, {QString::fromStdString(c.name), c.ok ? tr("ok") : QString::fromStdString(c.reason)});
        item->setForeground(1, c.ok ? QColor(0, 0x70, 0) : QColor(0xb0, 0, 0));
    }
}

void DrillDialog::runPrechecks()
{
    m_runner = makeRunner();
    connect(m_runner.get(), &DrillRunner::finished, this, [this] {
        setRunning(false);
        const QString failure = m_runner->failure();
        m_status->setText(failure.isEmpty() ? tr("All pre-checks passed.") : tr("Refused: %1").arg(failure));
    });
    setRunning(true);
    m_runner->start(true);
}

void DrillDialog::runDrill()
{
    m_chart->clear(0);
    m_runner = makeRunner();
    connect(m_runner.get(), &DrillRunner::finished, this, [this] {
        setRunning(false);
        const DrillReport &r = m_runner->report();
        if (r.zeroMonoUs == 0) {
            m_status->setText(tr("Refused: %1").arg(m_runner->failure()));
            return;
        }
        QSettings settings;
        DrillHistory(settings).add(r);
        reloadHistory();
        showReport(r);
    });
    setRunning(true);
    m_runner->start(false);
}

void DrillDialog::abortDrill()
{
    if (m_runner && m_runner->running())
        m_runner->abort(tr("aborted by the operator"));
}

void DrillDialog::showReport(const DrillReport &r)
{
    m_report = r;
    m_haveReport = true;
    m_chart->showReport(r);
    m_status->setText(
        (r.completed
             ? tr("Downtime %1 ms (predicted %2 ms), %3 of %4 probes failed; master %5 → %6 → %7.")
             : tr("Aborted (%8). Downtime %1 ms (predicted %2 ms), %3 of %4 probes failed; master %5 → %6 → %7."))
            .arg(r.downtimeMs, 0, 'f', 1)
            .arg(r.predictedMs, 0, 'f', 1)
            .arg(r.probesFailed)
            .arg(r.probesTotal)
            .arg(QString::fromStdString(r.oldMaster), QString::fromStdString(r.newMaster),
                 QString::fromStdString(r.finalMaster), QString::fromStdString(r.abortReason)));
    m_summary->setRowCount(int(r.phases.size()));
    for (int i = 0; i < int(r.phases.size()); ++i) {
        const auto &p = r.phases[size_t(i)];
        const QStringList cells{QString::fromStdString(p.name), tr("%1 ms").arg(p.downtimeMs, 0, 'f', 1),
                                tr("%1 ms").arg(p.predictedMs, 0, 'f', 1), QString::number(p.probesTotal),
                                QString::number(p.probesFailed)};
        for (int c = 0; c < cells.size(); ++c)
            m_summary->setItem(i, c, new QTableWidgetItem(cells[c]));
    }
    setRunning(false);
}

void DrillDialog::exportJson()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export drill report"), m_vip + "-drill.json", tr("JSON (*.json)"));
    QFile f(path);
    if (path.isEmpty())
        return;
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return void(QMessageBox::warning(this, windowTitle(), tr("Cannot write %1: %2").arg(path, f.errorString())));
    f.write(QJsonDocument(toJson(m_report, true)).toJson());
}

void DrillDialog::exportHtml()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export drill report"), m_vip + "-drill.html", tr("HTML (*.html)"));
    QFile f(path);
    if (path.isEmpty())
        return;
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return void(QMessageBox::warning(this, windowTitle(), tr("Cannot write %1: %2").arg(path, f.errorString())));
    f.write(QByteArray::fromStdString(toHtml(m_report)));
}

void DrillDialog::reloadHistory()
{
    QSettings settings;
    m_history->clear();
    for (const auto &r : DrillHistory(settings).load())
        m_history->addItem(r.summary());
}

void DrillDialog::setRunning(bool running)
{
    m_check->setEnabled(!running);
    m_run->setEnabled(!running);
    m_abort->setEnabled(running);
    m_saveJson->setEnabled(!running && m_haveReport);
    m_saveHtml->setEnabled(!running && m_haveReport);
    for (QWidget *w :
         {static_cast<QWidget *>(m_mode), static_cast<QWidget *>(m_rate), static_cast<QWidget *>(m_duration),
          static_cast<QWidget *>(m_probe), static_cast<QWidget *>(m_failback)})
        w->setEnabled(!running);
}

} // namespace hafront::drill
