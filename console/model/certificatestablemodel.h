// CertificatesTableModel: a thin table over ClusterModel's node reports — one
// row per connected node, TLS listener and certificate, with the listener's
// handshake figures; the rows of a node change by range when it reports.
#pragma once

#include "model/certificatecheck.h"
#include "model/noderowstablemodel.h"

namespace hafront::model {

class CertificatesTableModel : public NodeRowsTableModel {
    Q_OBJECT
public:
    enum Column {
        Node,
        Listener,
        Names,
        KeyType,
        Issuer,
        NotAfter,
        DaysLeft,
        Fingerprint,
        Handshakes,
        Resumed,
        Failures,
        ColumnCount
    };
    // ExpiryRole: int(Expiry) of the row; MismatchRole: a peer serving one of its names does not serve this
    // certificate.
    enum Role { SortRole = Qt::UserRole + 1, ExpiryRole, MismatchRole, FullFingerprintRole };

    explicit CertificatesTableModel(const ClusterModel *cluster, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The listener figures as the table shows them.
    static QString resumedShare(const v1::TlsStatus &tls); // "93.1 %", "—" before the first handshake
    static QString failuresText(const v1::TlsStatus &tls); // "protocol_version 3, timeout 1"

private:
    std::vector<Row> rowsOf(int nodeRow) const override; // item: the certificate
    void rebuilt() override;
    void nodeReported(int nodeRow) override;
    const v1::CertificateStatus *certificateOf(const Row &r) const;

    QStringList m_mismatched; // "listener\nfingerprint" of certificates some nodes serve and others do not
};

} // namespace hafront::model
