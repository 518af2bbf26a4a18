// ChangeWatch: turns ClusterModel's picture into the changes an operator is
// notified of — a VIP's owner changing, a backend going down or coming back up,
// a certificate problem appearing, getting worse (soon → expired) or resolved.
// The first report of each VIP or backend is a baseline, not a change; a
// certificate problem is news from the first report on.
#pragma once

#include "model/certificatecheck.h"
#include "model/clustermodel.h"

#include <QString>

#include <map>
#include <vector>

namespace hafront::model {

struct Change {
    enum class Kind { VipOwner, BackendDown, BackendUp, CertificateProblem, CertificateResolved };
    Kind kind;
    QString title;
    QString text;
};

class ChangeWatch {
public:
    void reset();
    std::vector<Change> vipsChanged(const std::vector<VipView> &vips);
    std::vector<Change> backendsChanged(const std::vector<BackendView> &backends, int firstRow, int lastRow);
    std::vector<Change> certificatesChanged(const std::vector<CertificateFinding> &findings);

private:
    std::map<QString, QStringList> m_owners;        // VIP → owners last seen
    std::map<QString, v1::Health> m_health;         // "pool/backend" → health last seen (UP or DOWN)
    std::vector<CertificateFinding> m_certificates; // the findings last seen, in their order
};

} // namespace hafront::model
