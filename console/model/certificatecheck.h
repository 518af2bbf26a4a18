// CertificateCheck: what the operator must hear about the TLS certificates the
// connected nodes serve — a name served with different certificates by
// different nodes on one listener (a renewal that reached one node only) and
// certificates with under 14 days left. Pure: "now" is each node's own status time.
#pragma once

#include "model/clustermodel.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace hafront::model {

inline constexpr int64_t kRenewWithinDays = 14; // hafrontctl status says RENEW under the same bound

enum class Expiry { Valid, Soon, Expired };

// Whole days from `nowSeconds` to not_after, rounded down (negative once expired).
int64_t daysLeft(const v1::CertificateStatus &certificate, int64_t nowSeconds);
Expiry expiry(const v1::CertificateStatus &certificate, int64_t nowSeconds);
int64_t statusSeconds(const v1::NodeStatus &status); // the node's wall clock in its report

// Nodes whose report counts: connected, with a status (a silent node's last word is not a claim).
bool reportsCertificates(const NodeView &node);

struct CertificateFinding {
    enum class Kind { Mismatch, ExpiresSoon, Expired };
    Kind kind;
    QString key; // the problem's identity while it lasts: kind-independent for expiry, so soon → expired escalates
    QString listener;
    QString name; // mismatch: the name; expiry: the certificate's names, joined
    QStringList nodes;
    QStringList
        fingerprints; // mismatch: the ones some of the nodes do not serve (an RSA twin on every node is not one)
    QString title;
    QString text;
};

// Mismatch: nodes that serve `name` on a listener disagree on the set of
// fingerprints (a node may serve ECDSA and RSA for one name: sets, not single
// certificates). Nodes that do not serve the name are not compared.
// Expiry: one finding per listener and fingerprint, with the nodes serving it.
std::vector<CertificateFinding> certificateFindings(const std::vector<NodeView> &nodes);

// "listener\nname" for every name with a mismatch.
QStringList mismatchedNames(const std::vector<CertificateFinding> &findings);
// "listener\nfingerprint" for every certificate that takes part in a mismatch, for marking rows.
QStringList mismatchedFingerprints(const std::vector<CertificateFinding> &findings);

QString shortFingerprint(const std::string &sha256); // "AB:CD:…" first 8 bytes

} // namespace hafront::model
