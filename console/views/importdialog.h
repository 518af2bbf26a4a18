// ImportDialog: File > Import... — pick an nginx config and one keepalived
// config per node, run the importer, read its report grouped by file with
// the lines, preview the resulting topology and config, and save it. The
// importer (console/import) decides everything; this only shows it.
#pragma once

#include "import/importer.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QTreeView;

namespace hafront::model {
class ClusterModel;
class ImportReportModel;
} // namespace hafront::model

namespace hafront::views {

class TopologyView;

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(QWidget *parent = nullptr);
    ~ImportDialog() override;

    void setNginxFile(const QString &file);
    void setNginxPrefix(const QString &dir);
    void addNode(const QString &node, const QString &keepalivedFile, const QString &address);
    void runImport();
    // Writes the config; returns the reason when it cannot.
    QString saveTo(const QString &file);

    const import::ImportResult &result() const { return m_result; }
    model::ImportReportModel *reportModel() const { return m_report; }
    QString summaryText() const;
    bool openAfterSaving() const;

signals:
    void saved(const QString &file);

private:
    void buildUi();
    void showReport();
    void browseNginx();
    void browseKeepalived();
    void chooseSaveFile();
    import::ImportRequest request() const;

    import::ImportResult m_result;
    bool m_haveResult = false;
    model::ImportReportModel *m_report = nullptr;
    model::ClusterModel *m_preview = nullptr;
    QLineEdit *m_nginx = nullptr;
    QLineEdit *m_prefix = nullptr;
    QTableWidget *m_nodes = nullptr;
    QLabel *m_summary = nullptr;
    QTreeView *m_tree = nullptr;
    QCheckBox *m_showMapped = nullptr;
    QTabWidget *m_tabs = nullptr;
    TopologyView *m_topology = nullptr;
    QPlainTextEdit *m_config = nullptr;
    QPushButton *m_save = nullptr;
    QCheckBox *m_open = nullptr;
};

} // namespace hafront::views
