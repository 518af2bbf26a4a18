#include "model/certificatecheck.h"

#include <QCoreApplication>
#include <QDateTime>

#include <algorithm>
#include <map>
#include <utility>

namespace hafront::model {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QString date(int64_t seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd"));
}

QString names(const v1::CertificateStatus &c)
{
    QStringList out;
    for (const auto &n : c.names())
        out << q(n);
    return out.join(QStringLiteral(", "));
}

struct Served {
    QString node;
    QStringList fingerprints; // sorted: compared as a set
};

struct ExpiryGroup {
    QString listener;
    const v1::CertificateStatus *certificate = nullptr;
    QStringList nodes;
    int64_t days = 0;
    bool expired = false;
};

// The finding for one (listener, name) the nodes disagree on: which node
// serves what, and the fingerprints not every one of them serves.
CertificateFinding mismatchFinding(const QString &listener, const QString &name, const std::vector<Served> &list,
                                   const std::map<QString, int64_t> &notAfter)
{
    CertificateFinding f{CertificateFinding::Kind::Mismatch,
                         QStringLiteral("mismatch\n%1\n%2").arg(listener, name),
                         listener,
                         name,
                         {},
                         {},
                         {},
                         {}};
    QStringList parts;
    for (const Served &s : list) {
        f.nodes << s.node;
        for (const QString &sha : s.fingerprints)
            if (!f.fingerprints.contains(sha) &&
                !std::all_of(list.begin(), list.end(), [&](const Served &o) { return o.fingerprints.contains(sha); }))
                f.fingerprints << sha;
        QStringList certs;
        for (const QString &sha : s.fingerprints)
            certs << QCoreApplication::translate("CertificateCheck", "%1 (not after %2)")
                         .arg(shortFingerprint(sha.toStdString()), date(notAfter.at(sha)));
        parts << s.node + QStringLiteral(": ") + certs.join(QStringLiteral(", "));
    }
    f.title = QCoreApplication::translate("CertificateCheck", "Nodes serve different certificates for %1").arg(name);
    f.text = QCoreApplication::translate(
                 "CertificateCheck",
                 "Listener %1, %2 — %3. A renewal reached some nodes only: install the same files on every node "
                 "and reload it (SIGHUP).")
                 .arg(listener, name, parts.join(QStringLiteral("; ")));
    return f;
}

std::vector<CertificateFinding> mismatches(const std::vector<NodeView> &nodes)
{
    // (listener, name) in first-seen order → what each node serves for it.
    std::vector<std::pair<QString, QString>> order;
    std::map<std::pair<QString, QString>, std::vector<Served>> served;
    std::map<QString, int64_t> notAfter; // fingerprint → not_after, for the text
    for (const NodeView &n : nodes) {
        if (!reportsCertificates(n))
            continue;
        for (const auto &l : n.status->listeners()) {
            if (!l.has_tls())
                continue;
            for (const auto &c : l.tls().certificate()) {
                notAfter[q(c.sha256())] = c.not_after();
                for (const auto &name : c.names()) {
                    const std::pair key(q(l.name()), q(name));
                    auto &list = served[key];
                    if (list.empty())
                        order.push_back(key);
                    if (list.empty() || list.back().node != n.name)
                        list.push_back({n.name, {}});
                    if (!list.back().fingerprints.contains(q(c.sha256())))
                        list.back().fingerprints << q(c.sha256());
                }
            }
        }
    }
    std::vector<CertificateFinding> out;
    for (const auto &key : order) {
        std::vector<Served> &list = served[key];
        for (Served &s : list)
            s.fingerprints.sort();
        const bool agree = std::all_of(list.begin(), list.end(),
                                       [&](const Served &s) { return s.fingerprints == list.front().fingerprints; });
        if (agree)
            continue;
        out.push_back(mismatchFinding(key.first, key.second, list, notAfter));
    }
    return out;
}

std::vector<CertificateFinding> expiries(const std::vector<NodeView> &nodes)
{
    std::vector<ExpiryGroup> groups; // per listener and fingerprint, first-seen order
    for (const NodeView &n : nodes) {
        if (!reportsCertificates(n))
            continue;
        const int64_t now = statusSeconds(*n.status);
        for (const auto &l : n.status->listeners()) {
            if (!l.has_tls())
                continue;
            for (const auto &c : l.tls().certificate()) {
                const Expiry e = expiry(c, now);
                if (e == Expiry::Valid)
                    continue;
                auto g = std::find_if(groups.begin(), groups.end(), [&](const ExpiryGroup &x) {
                    return x.listener == q(l.name()) && x.certificate->sha256() == c.sha256();
                });
                if (g == groups.end()) {
                    groups.push_back({q(l.name()), &c, {}, daysLeft(c, now), false});
                    g = std::prev(groups.end());
                }
                if (!g->nodes.contains(n.name))
                    g->nodes << n.name;
                g->days = std::min(g->days, daysLeft(c, now));
                g->expired = g->expired || e == Expiry::Expired;
            }
        }
    }
    std::vector<CertificateFinding> out;
    for (const ExpiryGroup &g : groups) {
        const v1::CertificateStatus &c = *g.certificate;
        const QString who = names(c);
        const QString nodesText = g.nodes.join(QStringLiteral(", "));
        CertificateFinding f{g.expired ? CertificateFinding::Kind::Expired : CertificateFinding::Kind::ExpiresSoon,
                             QStringLiteral("expiry\n%1\n%2").arg(g.listener, q(c.sha256())),
                             g.listener,
                             who,
                             g.nodes,
                             {},
                             {},
                             {}};
        if (g.expired) {
            f.title = QCoreApplication::translate("CertificateCheck", "Certificate for %1 has expired").arg(who);
            f.text = QCoreApplication::translate("CertificateCheck",
                                                 "Listener %1: %2 (%3, %4) expired on %5 and is still served by %6.")
                         .arg(g.listener, who, q(c.key_type()), shortFingerprint(c.sha256()), date(c.not_after()),
                              nodesText);
        } else {
            f.title = QCoreApplication::translate("CertificateCheck", "Certificate for %1 expires in %n day(s)",
                                                  nullptr, int(g.days))
                          .arg(who);
            f.text = QCoreApplication::translate("CertificateCheck",
                                                 "Listener %1: %2 (%3, %4) is valid until %5; served by %6. Renew it.")
                         .arg(g.listener, who, q(c.key_type()), shortFingerprint(c.sha256()), date(c.not_after()),
                              nodesText);
        }
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace

int64_t daysLeft(const v1::CertificateStatus &certificate, int64_t nowSeconds)
{
    const int64_t left = certificate.not_after() - nowSeconds;
    return left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
}

Expiry expiry(const v1::CertificateStatus &certificate, int64_t nowSeconds)
{
    if (certificate.not_after() < nowSeconds)
        return Expiry::Expired;
    return daysLeft(certificate, nowSeconds) < kRenewWithinDays ? Expiry::Soon : Expiry::Valid;
}

int64_t statusSeconds(const v1::NodeStatus &status)
{
    return status.wall_time_us() / 1'000'000;
}

bool reportsCertificates(const NodeView &node)
{
    return node.link == LinkState::Connected && node.status.has_value();
}

std::vector<CertificateFinding> certificateFindings(const std::vector<NodeView> &nodes)
{
    std::vector<CertificateFinding> out = mismatches(nodes);
    std::vector<CertificateFinding> soon = expiries(nodes);
    out.insert(out.end(), std::make_move_iterator(soon.begin()), std::make_move_iterator(soon.end()));
    return out;
}

QStringList mismatchedNames(const std::vector<CertificateFinding> &findings)
{
    QStringList out;
    for (const CertificateFinding &f : findings)
        if (f.kind == CertificateFinding::Kind::Mismatch)
            out << f.listener + QLatin1Char('\n') + f.name;
    return out;
}

QStringList mismatchedFingerprints(const std::vector<CertificateFinding> &findings)
{
    QStringList out;
    for (const CertificateFinding &f : findings)
        for (const QString &sha : f.fingerprints)
            if (const QString key = f.listener + QLatin1Char('\n') + sha; !out.contains(key))
                out << key;
    return out;
}

QString shortFingerprint(const std::string &sha256)
{
    constexpr size_t kEightBytes = 8 * 3 - 1; // "AB:" per byte, no trailing colon
    if (sha256.size() <= kEightBytes)
        return q(sha256);
    return q(sha256.substr(0, kEightBytes)) + QStringLiteral("…");
}

} // namespace hafront::model
