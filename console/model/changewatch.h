// ChangeWatch: turns ClusterModel's picture into the changes an operator is
// notified of — a VIP's owner changing, a backend going down or coming back up.
// The first report of each VIP or backend is a baseline, not a change.
#pragma once

#include "model/clustermodel.h"

#include <QString>

#include <map>
#include <vector>

namespace hafront::model {

struct Change {
    enum class Kind { VipOwner, BackendDown, BackendUp };
    Kind kind;
    QString title;
    QString text;
};

class ChangeWatch {
public:
    void reset();
    std::vector<Change> vipsChanged(const std::vector<VipView> &vips);
    std::vector<Change> backendsChanged(const std::vector<BackendView> &backends, int firstRow, int lastRow);

private:
    std::map<QString, QStringList> m_owners;  // VIP → owners last seen
    std::map<QString, v1::Health> m_health;   // "pool/backend" → health last seen (UP or DOWN)
};

} // namespace hafront::model
