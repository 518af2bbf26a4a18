#include "model/certificatestablemodel.h"

#include <QDateTime>

#include <algorithm>

namespace hafront::model {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

CertificatesTableModel::CertificatesTableModel(const ClusterModel *cluster, QObject *parent)
    : NodeRowsTableModel(cluster, parent)
{
    follow();
}

std::vector<NodeRowsTableModel::Row> CertificatesTableModel::rowsOf(int nodeRow) const
{
    std::vector<Row> rows;
    const NodeView &n = m_cluster->nodes()[size_t(nodeRow)];
    if (!reportsCertificates(n))
        return rows;
    for (int l = 0; l < n.status->listeners_size(); ++l) {
        const auto &listener = n.status->listeners(l);
        if (listener.has_tls())
            for (int c = 0; c < listener.tls().certificate_size(); ++c)
                rows.push_back({nodeRow, l, c});
    }
    return rows;
}

void CertificatesTableModel::rebuilt()
{
    m_mismatched = mismatchedFingerprints(certificateFindings(m_cluster->nodes()));
}

void CertificatesTableModel::nodeReported(int nodeRow)
{
    const Replaced r = replaceRowsOf(nodeRow);
    const QStringList mismatched = mismatchedFingerprints(certificateFindings(m_cluster->nodes()));
    if (m_rows.empty())
        m_mismatched = mismatched;
    else if (mismatched != m_mismatched) { // marks of the peers' rows change too
        m_mismatched = mismatched;
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    } else if (r.inPlace && r.count > 0)
        emit dataChanged(index(r.begin, 0), index(r.begin + r.count - 1, ColumnCount - 1));
}

int CertificatesTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const v1::CertificateStatus *CertificatesTableModel::certificateOf(const Row &r) const
{
    const v1::ListenerStatus *l = listenerOf(r);
    if (!l || r.item >= l->tls().certificate_size())
        return nullptr;
    return &l->tls().certificate(r.item);
}

QString CertificatesTableModel::resumedShare(const v1::TlsStatus &tls)
{
    if (tls.handshakes_total() == 0)
        return QStringLiteral("—");
    return QStringLiteral("%1 %").arg(100.0 * double(tls.resumed_total()) / double(tls.handshakes_total()), 0, 'f', 1);
}

QString CertificatesTableModel::failuresText(const v1::TlsStatus &tls)
{
    QStringList parts;
    for (const auto &f : tls.handshake_failures())
        if (f.value() > 0)
            parts << QStringLiteral("%1 %2").arg(q(f.name())).arg(f.value());
    return parts.join(QStringLiteral(", "));
}

QVariant CertificatesTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    const v1::ListenerStatus *l = listenerOf(r);
    const v1::CertificateStatus *c = certificateOf(r);
    if (!l || !c)
        return {};
    const NodeView &n = m_cluster->nodes()[size_t(r.node)];
    const int64_t now = statusSeconds(*n.status);
    const Expiry e = expiry(*c, now);
    QStringList names;
    for (const auto &name : c->names())
        names << q(name);
    const bool mismatch = m_mismatched.contains(q(l->name()) + QLatin1Char('\n') + q(c->sha256()));
    const v1::TlsStatus &tls = l->tls();
    switch (role) {
    case ExpiryRole:
        return int(e);
    case MismatchRole:
        return mismatch;
    case FullFingerprintRole:
        return q(c->sha256());
    case Qt::ToolTipRole:
        if (index.column() == Fingerprint)
            return mismatch ? tr("SHA-256 %1\nAnother node serves a different certificate for this name on %2.")
                                  .arg(q(c->sha256()), q(l->name()))
                            : tr("SHA-256 %1").arg(q(c->sha256()));
        if (index.column() == Resumed)
            return tls.shared_ticket_keys() ? tr("Ticket keys from the shared secret: sessions resume on any node")
                                            : tr("Ticket keys of this node only: sessions do not survive a failover");
        return tr("Subject: %1\nFile: %2").arg(q(c->subject()), q(c->cert_file()));
    case Qt::TextAlignmentRole:
        return index.column() >= DaysLeft && index.column() != Fingerprint && index.column() != Failures
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return {};
    }
    const bool sort = role == SortRole;
    switch (index.column()) {
    case Node:
        return n.name;
    case Listener:
        return q(l->name());
    case Names:
        return names.join(QStringLiteral(", "));
    case KeyType:
        return q(c->key_type());
    case Issuer:
        return q(c->issuer());
    case NotAfter:
        return sort ? QVariant::fromValue<qlonglong>(c->not_after())
                    : QVariant(QDateTime::fromSecsSinceEpoch(c->not_after(), Qt::UTC)
                                   .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")));
    case DaysLeft:
        if (sort)
            return QVariant::fromValue<qlonglong>(c->not_after() - now);
        return e == Expiry::Expired ? tr("expired") : tr("%n day(s)", nullptr, int(daysLeft(*c, now)));
    case Fingerprint:
        return shortFingerprint(c->sha256());
    case Handshakes:
        return QVariant::fromValue<qulonglong>(tls.handshakes_total());
    case Resumed:
        if (sort)
            return tls.handshakes_total() ? double(tls.resumed_total()) / double(tls.handshakes_total()) : -1.0;
        return resumedShare(tls);
    case Failures:
        return failuresText(tls);
    }
    return {};
}

QVariant CertificatesTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Node:
        return tr("Node");
    case Listener:
        return tr("Listener");
    case Names:
        return tr("Names");
    case KeyType:
        return tr("Key");
    case Issuer:
        return tr("Issuer");
    case NotAfter:
        return tr("Not after");
    case DaysLeft:
        return tr("Left");
    case Fingerprint:
        return tr("SHA-256");
    case Handshakes:
        return tr("Handshakes");
    case Resumed:
        return tr("Resumed");
    case Failures:
        return tr("Handshake failures");
    }
    return {};
}

} // namespace hafront::model
