#include "views/importdialog.h"

#include "config/configloader.h"
#include "model/clustermodel.h"
#include "model/importreportmodel.h"
#include "views/topologyview.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace hafront::views {

namespace {
enum NodeColumn { NodeName, NodeFile, NodeAddress };

// Colours the kind column: green mapped, amber approximated, red otherwise.
class KindDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QVariant kind = index.data(model::ImportReportModel::KindRole);
        if (!kind.isValid())
            return;
        const auto k = import::Kind(kind.toInt());
        option->palette.setColor(QPalette::Text, k == import::Kind::Mapped         ? QColor(0x2e, 0x7d, 0x32)
                                                 : k == import::Kind::Approximated ? QColor(0xa8, 0x5d, 0x00)
                                                                                   : QColor(0xc6, 0x28, 0x28));
    }
};
} // namespace

ImportDialog::ImportDialog(QWidget *parent)
    : QDialog(parent), m_report(new model::ImportReportModel(this)), m_preview(new model::ClusterModel(this))
{
    setWindowTitle(tr("Import from nginx + keepalived"));
    buildUi();
    resize(1280, 800);
}

ImportDialog::~ImportDialog() = default;

void ImportDialog::buildUi()
{
    auto *sources = new QGroupBox(tr("Sources"), this);
    auto *form = new QFormLayout(sources);
    auto *nginxRow = new QHBoxLayout;
    m_nginx = new QLineEdit(sources);
    m_nginx->setPlaceholderText(tr("/etc/nginx/nginx.conf (its includes are followed)"));
    auto *browse = new QPushButton(tr("Browse…"), sources);
    connect(browse, &QPushButton::clicked, this, &ImportDialog::browseNginx);
    nginxRow->addWidget(m_nginx);
    nginxRow->addWidget(browse);
    form->addRow(tr("nginx config:"), nginxRow);
    m_prefix = new QLineEdit(sources);
    m_prefix->setPlaceholderText(tr("nginx's -p prefix, for relative root paths (Debian: /usr/share/nginx)"));
    form->addRow(tr("nginx prefix:"), m_prefix);

    m_nodes = new QTableWidget(0, 3, sources);
    m_nodes->setHorizontalHeaderLabels({tr("Node"), tr("keepalived config"), tr("Address")});
    m_nodes->horizontalHeader()->setSectionResizeMode(NodeFile, QHeaderView::Stretch);
    m_nodes->verticalHeader()->hide();
    m_nodes->setMaximumHeight(110);
    auto *nodeButtons = new QVBoxLayout;
    auto *add = new QPushButton(tr("Add node"), sources);
    auto *remove = new QPushButton(tr("Remove node"), sources);
    auto *browseKa = new QPushButton(tr("keepalived config…"), sources);
    connect(add, &QPushButton::clicked, this, [this] { addNode(tr("fe%1").arg(m_nodes->rowCount() + 1), {}, {}); });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_nodes->currentRow() >= 0)
            m_nodes->removeRow(m_nodes->currentRow());
    });
    connect(browseKa, &QPushButton::clicked, this, &ImportDialog::browseKeepalived);
    nodeButtons->addWidget(add);
    nodeButtons->addWidget(remove);
    nodeButtons->addWidget(browseKa);
    nodeButtons->addStretch();
    auto *nodesRow = new QHBoxLayout;
    nodesRow->addWidget(m_nodes);
    nodesRow->addLayout(nodeButtons);
    form->addRow(tr("Nodes:"), nodesRow);
    auto *run = new QPushButton(tr("Import"), sources);
    run->setDefault(true);
    connect(run, &QPushButton::clicked, this, &ImportDialog::runImport);
    form->addRow(QString(), run);

    m_summary = new QLabel(tr("Pick the files and press Import. Nothing is written until you save."), this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *reportBox = new QWidget(this);
    auto *reportLayout = new QVBoxLayout(reportBox);
    reportLayout->setContentsMargins(0, 0, 0, 0);
    m_tree = new QTreeView(reportBox);
    m_tree->setModel(m_report);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setItemDelegateForColumn(model::ImportReportModel::Kind, new KindDelegate(m_tree));
    m_showMapped = new QCheckBox(tr("Show mapped directives too"), reportBox);
    connect(m_showMapped, &QCheckBox::toggled, this, [this](bool on) {
        m_report->setShowMapped(on);
        showReport();
    });
    reportLayout->addWidget(new QLabel(tr("Report: every directive read, grouped by file"), reportBox));
    reportLayout->addWidget(m_tree);
    reportLayout->addWidget(m_showMapped);

    m_tabs = new QTabWidget(this);
    m_topology = new TopologyView(m_preview, m_tabs);
    m_config = new QPlainTextEdit(m_tabs);
    m_config->setReadOnly(true);
    m_config->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_topology, tr("Topology"));
    m_tabs->addTab(m_config, tr("Cluster config"));

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(reportBox);
    split->addWidget(m_tabs);
    split->setSizes({760, 520});

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("Save…"), QDialogButtonBox::AcceptRole);
    m_save->setEnabled(false);
    m_open = new QCheckBox(tr("Open it in the console after saving"), this);
    m_open->setChecked(true);
    connect(m_save, &QPushButton::clicked, this, &ImportDialog::chooseSaveFile);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_open);
    bottom->addStretch();
    bottom->addWidget(buttons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(sources);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addLayout(bottom);
}

void ImportDialog::showReport()
{
    // File rows span the row (their one cell holds the file and its counts),
    // so the line column stays narrow and the text gets the room.
    for (int row = 0; row < m_report->rowCount(); ++row)
        m_tree->setFirstColumnSpanned(row, {}, true);
    m_tree->expandAll();
    m_tree->setColumnWidth(model::ImportReportModel::FileOrLine, 80);
    m_tree->setColumnWidth(model::ImportReportModel::Kind, 100);
    m_tree->setColumnWidth(model::ImportReportModel::Directive, 160);
}

void ImportDialog::setNginxFile(const QString &file)
{
    m_nginx->setText(file);
}
void ImportDialog::setNginxPrefix(const QString &dir)
{
    m_prefix->setText(dir);
}

void ImportDialog::addNode(const QString &node, const QString &keepalivedFile, const QString &address)
{
    const int row = m_nodes->rowCount();
    m_nodes->insertRow(row);
    m_nodes->setItem(row, NodeName, new QTableWidgetItem(node));
    m_nodes->setItem(row, NodeFile, new QTableWidgetItem(keepalivedFile));
    m_nodes->setItem(row, NodeAddress, new QTableWidgetItem(address));
}

void ImportDialog::browseNginx()
{
    const QString f = QFileDialog::getOpenFileName(
        this, tr("nginx config"), m_nginx->text().isEmpty() ? QStringLiteral("/etc/nginx") : m_nginx->text());
    if (!f.isEmpty())
        m_nginx->setText(f);
}

void ImportDialog::browseKeepalived()
{
    if (m_nodes->rowCount() == 0)
        addNode(tr("fe1"), {}, {});
    const int row = std::max(0, m_nodes->currentRow());
    const QString f =
        QFileDialog::getOpenFileName(this, tr("keepalived config of %1").arg(m_nodes->item(row, NodeName)->text()),
                                     QStringLiteral("/etc/keepalived"));
    if (!f.isEmpty())
        m_nodes->item(row, NodeFile)->setText(f);
}

import::ImportRequest ImportDialog::request() const {import::ImportRequest req;
const auto absolute = [](const QString &p) { return QFileInfo(p).absoluteFilePath().toStdString(); };
if (!m_nginx->text().trimmed().isEmpty())
    req.nginxFile = absolute(m_nginx->text().trimmed());
if (!m_prefix->text().trimmed().isEmpty())
    req.nginxPrefix = absolute(m_prefix->text().trimmed());
for (int row = 0; row < m_nodes->rowCount(); ++row) {
    const auto text = [&](int col) {
        return m_nodes->item(row, col) ? m_nodes->item(row, col)->text().trimmed() : QString();
    };
    if (text(NodeName).isEmpty())
        continue;
    if (!text(NodeFile).isEmpty())
        req.keepalivedFiles.push_back({text(NodeName).toStdString(), absolute(text(NodeFile))});
    if (!text(NodeAddress).isEmpty())
        req.nodes.push_back({text(NodeName).toStdString(), text(NodeAddress).toStdString()});
}
return req;
} // namespace hafront::views

void ImportDialog::runImport()
{
    const import::ImportRequest req = request();
    if (req.nginxFile.empty() && req.keepalivedFiles.empty()) {
        m_summary->setText(tr("Nothing to import: give an nginx config and/or a keepalived config per node."));
        return;
    }
    const import::DiskReader disk;
    m_result = import::runImport(req, disk);
    m_haveResult = true;
    m_report->setEntries(m_result.report);
    showReport();
    m_preview->setCluster(m_result.cluster);
    m_topology->fit();
    m_config->setPlainText(QString::fromStdString(m_result.configText));
    m_save->setEnabled(m_result.ok());
    m_summary->setText(summaryText());
    m_summary->setStyleSheet(m_result.ok() ? QString() : QStringLiteral("color: #c62828"));
}

QString ImportDialog::summaryText() const
{
    if (!m_haveResult)
        return {};
    const QString counts = tr("%1 directives mapped, %2 approximated, %3 unsupported")
                               .arg(m_report->count(import::Kind::Mapped))
                               .arg(m_report->count(import::Kind::Approximated))
                               .arg(m_report->count(import::Kind::Unsupported));
    if (m_result.ok())
        return tr("A valid cluster config: %1. %2.")
            .arg(QString::fromStdString(config::summarize(m_result.cluster)), counts);
    QStringList why;
    for (const auto &p : m_result.problems)
        why << QString::fromStdString(p);
    return tr("No valid cluster config (%1): %2").arg(counts, why.join(QStringLiteral("; ")));
}

bool ImportDialog::openAfterSaving() const
{
    return m_open->isChecked();
}

QString ImportDialog::saveTo(const QString &file)
{
    if (!m_result.ok())
        return tr("there is no valid config to save");
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        f.write(QByteArray::fromStdString(m_result.configText)) != qint64(m_result.configText.size()))
        return tr("cannot write %1: %2").arg(file, f.errorString());
    f.close();
    emit saved(file);
    return {};
}

void ImportDialog::chooseSaveFile()
{
    const QString file = QFileDialog::getSaveFileName(this, tr("Save cluster config"), QStringLiteral("cluster.conf"),
                                                      tr("Cluster configs (*.conf);;All files (*)"));
    if (file.isEmpty())
        return;
    if (const QString why = saveTo(file); !why.isEmpty())
        m_summary->setText(why);
    else
        accept();
}

} // namespace hafront::views
