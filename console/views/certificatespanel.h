// CertificatesPanel: every connected node's TLS certificates (sort, filter),
// coloured by days left, and above them the open certificate problems —
// a name served differently by the nodes, a certificate near or past its end.
#pragma once

#include "model/certificatecheck.h"

#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace hafront::model {
class CertificatesTableModel;
}

namespace hafront::views {

class CertificatesPanel : public QWidget {
    Q_OBJECT
public:
    explicit CertificatesPanel(model::CertificatesTableModel *certificates, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QLabel *problems() const { return m_problems; }
    void showFindings(const std::vector<model::CertificateFinding> &findings); // hidden when there are none

private:
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
    QLabel *m_problems;
};

} // namespace hafront::views
