#include "model/changewatch.h"

#include <QCoreApplication>

#include <algorithm>

namespace hafront::model {
namespace {

QString ownersText(const QStringList &owners)
{
    return owners.isEmpty() ? QCoreApplication::translate("ChangeWatch", "no owner")
                            : owners.join(QStringLiteral(", "));
}

} // namespace

void ChangeWatch::reset()
{
    m_owners.clear();
    m_health.clear();
    m_certificates.clear();
}

std::vector<Change> ChangeWatch::vipsChanged(const std::vector<VipView> &vips)
{
    std::vector<Change> changes;
    for (const VipView &v : vips) {
        if (v.perNode.empty())
            continue; // nobody reports it (every node lost): no claim either way
        QStringList owners = v.owners;
        owners.sort();
        const auto it = m_owners.find(v.name);
        if (it == m_owners.end()) {
            m_owners[v.name] = owners;
            continue;
        }
        if (it->second == owners)
            continue;
        changes.push_back({Change::Kind::VipOwner,
                           QCoreApplication::translate("ChangeWatch", "VIP %1 owner changed").arg(v.name),
                           QCoreApplication::translate("ChangeWatch", "VIP %1 (%2): %3 → %4")
                               .arg(v.name, v.address, ownersText(it->second), ownersText(owners))});
        it->second = owners;
    }
    return changes;
}

std::vector<Change> ChangeWatch::backendsChanged(const std::vector<BackendView> &backends, int firstRow, int lastRow)
{
    std::vector<Change> changes;
    for (int r = std::max(0, firstRow); r <= lastRow && r < int(backends.size()); ++r) {
        const BackendView &b = backends[size_t(r)];
        const v1::Health h = b.perNode.empty() ? v1::HEALTH_UNKNOWN : b.health();
        if (h != v1::UP && h != v1::DOWN)
            continue;
        const QString key = b.pool + QLatin1Char('/') + b.name;
        const auto it = m_health.find(key);
        if (it == m_health.end()) {
            m_health[key] = h;
            continue;
        }
        if (it->second == h)
            continue;
        it->second = h;
        const bool down = h == v1::DOWN;
        changes.push_back({down ? Change::Kind::BackendDown : Change::Kind::BackendUp,
                           down ? QCoreApplication::translate("ChangeWatch", "Backend %1 down").arg(key)
                                : QCoreApplication::translate("ChangeWatch", "Backend %1 up").arg(key),
                           (down ? QCoreApplication::translate("ChangeWatch", "%1 (%2) is down: %3")
                                 : QCoreApplication::translate("ChangeWatch", "%1 (%2) is up again: %3"))
                               .arg(key, b.address, b.lastCheck())});
    }
    return changes;
}

std::vector<Change> ChangeWatch::certificatesChanged(const std::vector<CertificateFinding> &findings)
{
    const auto in = [](const std::vector<CertificateFinding> &list, const QString &key) {
        return std::find_if(list.begin(), list.end(), [&](const CertificateFinding &f) { return f.key == key; });
    };
    std::vector<Change> changes;
    for (const CertificateFinding &f : findings) {
        const auto it = in(m_certificates, f.key);
        if (it == m_certificates.end() || it->kind != f.kind) // new, or soon → expired
            changes.push_back({Change::Kind::CertificateProblem, f.title, f.text});
    }
    for (const CertificateFinding &f : m_certificates) {
        if (in(findings, f.key) != findings.end())
            continue;
        if (f.kind == CertificateFinding::Kind::Mismatch)
            changes.push_back(
                {Change::Kind::CertificateResolved,
                 QCoreApplication::translate("ChangeWatch", "Certificates for %1 agree again").arg(f.name),
                 QCoreApplication::translate("ChangeWatch",
                                             "Listener %1: the connected nodes serve the same certificates for %2.")
                     .arg(f.listener, f.name)});
        else
            changes.push_back(
                {Change::Kind::CertificateResolved,
                 QCoreApplication::translate("ChangeWatch", "Certificate warning for %1 cleared").arg(f.name),
                 QCoreApplication::translate(
                     "ChangeWatch",
                     "Listener %1: no connected node serves the certificate of %2 that %3 reported any more.")
                     .arg(f.listener, f.name, f.nodes.join(QStringLiteral(", ")))});
    }
    m_certificates = findings;
    return changes;
}

} // namespace hafront::model
