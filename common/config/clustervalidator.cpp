#include "config/clustervalidator.h"

#include "config/address.h"
#include "config/defaults.h"
#include "config/tlsvalidator.h"

#include <filesystem>
#include <map>
#include <set>

namespace hafront::config {
namespace {

std::string at(const std::string &base, const char *field, int index)
{
    return base + (base.empty() ? "" : ".") + field + "[" + std::to_string(index) + "]";
}
std::string at(const std::string &base, const char *field)
{
    return base + (base.empty() ? "" : ".") + field;
}
std::string q(const std::string &s)
{
    return "'" + s + "'";
}

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isUtf8(const std::string &s)
{
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
        if (n == 9 || i + n >= s.size())
            return false;
        uint32_t cp = n == 0 ? c : c & (0x3f >> n);
        for (size_t k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (d & 0x3f);
        }
        static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

// Every string of the config goes into status frames, whose proto3 strings
// the receiver refuses unless they are UTF-8: a Latin-1 name would make every
// console drop its link (found by tests/fuzz/fuzz_configtext).
void checkUtf8(const google::protobuf::Message &m, const std::string &path, std::vector<Finding> &out)
{
    const auto *d = m.GetDescriptor();
    const auto *r = m.GetReflection();
    for (int f = 0; f < d->field_count(); ++f) {
        const auto *field = d->field(f);
        const std::string name = path + (path.empty() ? "" : ".") + field->name();
        const bool repeated = field->is_repeated();
        const int n = repeated ? r->FieldSize(m, field) : 1;
        for (int i = 0; i < n; ++i) {
            const std::string at = repeated ? name + "[" + std::to_string(i) + "]" : name;
            if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
                const std::string v = repeated ? r->GetRepeatedString(m, field, i) : r->GetString(m, field);
                if (!isUtf8(v))
                    out.push_back({at, field->name() + " is not valid UTF-8 (save the file as UTF-8)", false});
            } else if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
                       (repeated || r->HasField(m, field))) {
                checkUtf8(repeated ? r->GetRepeatedMessage(m, field, i) : r->GetMessage(m, field), at, out);
            }
        }
    }
}

class Validator {
public:
    Validator(const v1::Cluster &c, const ValidateOptions &o) : m_cluster(c), m_options(o) {}

    std::vector<Finding> run()
    {
        for (int i = 0; i < m_cluster.node_size(); ++i)
            checkNode(m_cluster.node(i), at("", "node", i));
        for (int i = 0; i < m_cluster.pool_size(); ++i)
            checkPool(m_cluster.pool(i), at("", "pool", i));
        for (int i = 0; i < m_cluster.vip_size(); ++i)
            checkVip(m_cluster.vip(i), at("", "vip", i));
        std::map<std::string, std::string> binds;
        for (int i = 0; i < m_cluster.listener_size(); ++i)
            checkListener(m_cluster.listener(i), at("", "listener", i), binds);
        if (m_cluster.node_size() == 0)
            error("", "the cluster has no node");
        if (const uint32_t stall = m_cluster.settings().stall_timeout_ms(); stall && stall < config::kMinStallTimeoutMs)
            error(at(at("", "settings"), "stall_timeout_ms"), "stall_timeout_ms " + std::to_string(stall) +
                                                                  " is below " +
                                                                  std::to_string(config::kMinStallTimeoutMs) +
                                                                  " (the VRRP thread sleeps up to a second when idle)");
        checkUtf8(m_cluster, "", m_findings);
        return std::move(m_findings);
    }

private:
    void error(std::string path, std::string message)
    {
        m_findings.push_back({std::move(path), std::move(message), false});
    }
    void warn(std::string path, std::string message)
    {
        m_findings.push_back({std::move(path), std::move(message), true});
    }

    // Names are required and unique within their scope.
    void checkName(const std::string &name, const std::string &path, const char *kind, std::set<std::string> &seen)
    {
        if (name.empty())
            error(path, std::string(kind) + " has no name");
        else if (!seen.insert(name).second)
            error(at(path, "name"), std::string("duplicate ") + kind + " name " + q(name));
    }

    const v1::Pool *findPool(const std::string &name) const
    {
        for (const auto &p : m_cluster.pool())
            if (p.name() == name)
                return &p;
        return nullptr;
    }
    const v1::Node *findNode(const std::string &name) const
    {
        for (const auto &n : m_cluster.node())
            if (n.name() == name)
                return &n;
        return nullptr;
    }

    void checkNode(const v1::Node &n, const std::string &path)
    {
        checkName(n.name(), path, "node", m_nodeNames);
        if (n.address().empty())
            error(path, "node " + q(n.name()) + " has no address");
        else if (!parseIPv4(n.address()))
            error(at(path, "address"), "cannot parse address " + q(n.address()) + " (expected A.B.C.D)");
        if (!n.address6().empty()) {
            if (auto a = readAddress(n.address6()); !a)
                error(at(path, "address6"), a.error());
            else if (!a->v6)
                error(at(path, "address6"), "address6 " + q(n.address6()) + " is not an IPv6 address");
            else if (isLinkLocal(a->ip6))
                error(at(path, "address6"), "address6 " + q(n.address6()) + " is link-local; give a global address");
        }
        if (!n.metrics_listen().empty() && !parseEndpoint(n.metrics_listen()))
            error(at(path, "metrics_listen"),
                  "cannot parse address " + q(n.metrics_listen()) + " (expected A.B.C.D:PORT)");
        if (n.has_ssh() && n.ssh().port() > 65535)
            error(at(at(path, "ssh"), "port"), "port " + std::to_string(n.ssh().port()) + " is outside 1-65535");
        if (!n.control_socket().empty() && n.control_socket()[0] != '/')
            error(at(path, "control_socket"), "control_socket must be an absolute path");
    }

    void checkHealth(const v1::HealthCheck &h, const std::string &path)
    {
        if (h.has_rise() && h.rise() == 0)
            error(at(path, "rise"), "health rise must be at least 1");
        if (h.has_fall() && h.fall() == 0)
            error(at(path, "fall"), "health fall must be at least 1");
        if (h.has_http()) {
            const auto &p = h.http().path();
            if (!p.empty() && p[0] != '/')
                error(at(at(path, "http"), "path"), "health check path must start with '/'");
            const auto s = h.http().expect_status();
            if (s != 0 && (s < 100 || s > 599))
                error(at(at(path, "http"), "expect_status"),
                      "expect_status " + std::to_string(s) + " is not an HTTP status");
        }
        if (timeoutMs(h) > intervalMs(h))
            warn(at(path, "timeout_ms"), "health timeout is longer than its interval");
    }

    void checkPool(const v1::Pool &p, const std::string &path)
    {
        checkName(p.name(), path, "pool", m_poolNames);
        std::set<std::string> backendNames;
        int primaries = 0;
        for (int i = 0; i < p.backend_size(); ++i) {
            const auto &b = p.backend(i);
            const auto bpath = at(path, "backend", i);
            checkName(b.name(), bpath, "backend", backendNames);
            if (b.address().empty())
                error(bpath, "backend " + q(b.name()) + " has no address");
            else if (auto e = readEndpoint(b.address()); !e)
                error(at(bpath, "address"), e.error());
            if (weightOf(b) > kMaxWeight)
                error(at(bpath, "weight"), "weight " + std::to_string(b.weight()) + " is above the maximum of 1000");
            if (!b.backup())
                ++primaries;
        }
        if (primaries == 0)
            error(path, "pool " + q(p.name()) + " has no non-backup backend");
        if (p.has_health())
            checkHealth(p.health(), at(path, "health"));
        else
            warn(path, "pool " + q(p.name()) + " has no active health check");
        const auto &key = p.hash_key();
        if (!key.empty() && key != "client_ip" && key.rfind("header:", 0) != 0 && key.rfind("cookie:", 0) != 0)
            error(at(path, "hash_key"), "hash_key must be client_ip, header:NAME or cookie:NAME");
        if (p.balance() == v1::CONSISTENT_HASH && p.protocol() == v1::TCP && !key.empty() && key != "client_ip")
            error(at(path, "hash_key"), "a TCP pool can hash only on client_ip");
        if (p.has_tls())
            checkPoolTls(p, path, m_options, m_findings);
    }

    void checkVip(const v1::Vip &v, const std::string &path)
    {
        checkName(v.name(), path, "VIP", m_vipNames);
        if (v.vrid() < 1 || v.vrid() > 255)
            error(at(path, "vrid"), "vrid " + std::to_string(v.vrid()) + " is outside 1-255");
        if (v.interface().empty())
            error(path, "VIP " + q(v.name()) + " has no interface");
        std::optional<Prefix> prefix;
        if (v.address().empty()) {
            error(path, "VIP " + q(v.name()) + " has no address");
        } else if (auto p = readPrefix(v.address()); !p) {
            error(at(path, "address"), p.error());
        } else {
            prefix = *p;
            if (p->v6 && isLinkLocal(p->ip6))
                error(at(path, "address"),
                      "VIP address " + q(v.address()) +
                          " is link-local (fe80::/10); IPv6 VRRP sends from the link-local address, "
                          "the VIP must be global or unique local");
        }
        // An IPv4 and an IPv6 VIP are separate virtual routers (RFC 5798): they may share a vrid.
        const std::string vridKey =
            v.interface() + "/" + std::to_string(v.vrid()) + (prefix && prefix->v6 ? "/IPv6" : "/IPv4");
        if (!v.interface().empty() && !m_vrids.emplace(vridKey, v.name()).second)
            error(at(path, "vrid"), "vrid " + std::to_string(v.vrid()) + " is used twice on interface " +
                                        q(v.interface()) + " for " + (prefix && prefix->v6 ? "IPv6" : "IPv4") +
                                        " (also by VIP " + q(m_vrids[vridKey]) + ")");
        const uint32_t interval = v.advert_interval_ms();
        if (interval != 0 && (interval % 10 != 0 || interval < 10 || interval > 40950))
            error(at(path, "advert_interval_ms"),
                  "advert_interval_ms " + std::to_string(interval) + " must be a multiple of 10 within 10-40950");
        std::set<std::string> prioNodes;
        std::set<uint32_t> values;
        for (int i = 0; i < v.priority_size(); ++i) {
            const auto &pr = v.priority(i);
            const auto ppath = at(path, "priority", i);
            const v1::Node *node = findNode(pr.node());
            if (!node)
                error(at(ppath, "node"), "unknown node " + q(pr.node()));
            else if (!prioNodes.insert(pr.node()).second)
                error(at(ppath, "node"), "node " + q(pr.node()) + " has two priorities for VIP " + q(v.name()));
            const bool owner =
                node && prefix &&
                (prefix->v6 ? parseIPv6(node->address6()) == prefix->ip6 : parseIPv4(node->address()) == prefix->ip);
            if (pr.value() < 1 || pr.value() > 255 || (pr.value() == 255 && !owner))
                error(at(ppath, "value"),
                      "priority " + std::to_string(pr.value()) + " is outside 1-254 (255 only for the address owner)");
            values.insert(pr.value());
        }
        if (v.priority_size() == 0)
            error(path, "VIP " + q(v.name()) + " has no priority: no node would hold it");
        else if (v.priority_size() == 1)
            warn(path, "VIP " + q(v.name()) + " has only one node: no failover");
        else if (values.size() == 1)
            warn(path, "all nodes of VIP " + q(v.name()) + " have the same priority; the higher address wins ties");
        for (int i = 0; i < v.unicast_peer_size(); ++i) {
            auto peer = readAddress(v.unicast_peer(i));
            if (!peer)
                error(at(path, "unicast_peer", i), peer.error());
            else if (prefix && peer->v6 != prefix->v6)
                error(at(path, "unicast_peer", i), "unicast_peer " + q(v.unicast_peer(i)) + " is " +
                                                       (peer->v6 ? "IPv6" : "IPv4") + " but VIP " + q(v.name()) +
                                                       " is " + (prefix->v6 ? "IPv6" : "IPv4"));
            else if (peer->v6 && isLinkLocal(peer->ip6))
                error(at(path, "unicast_peer", i),
                      "unicast_peer " + q(v.unicast_peer(i)) + " is link-local; give the peer's address6");
        }
        if (prefix && prefix->v6 && v.unicast_peer_size() > 0)
            for (int i = 0; i < v.priority_size(); ++i)
                if (const v1::Node *node = findNode(v.priority(i).node()); node && node->address6().empty())
                    error(at(at(path, "priority", i), "node"), "node " + q(node->name()) +
                                                                   " has no address6, needed as the source of IPv6 "
                                                                   "unicast VRRP for VIP " +
                                                                   q(v.name()));
        std::set<std::string> trackerNames;
        for (int i = 0; i < v.track_script_size(); ++i) {
            const auto &t = v.track_script(i);
            const auto tpath = at(path, "track_script", i);
            checkName(t.name(), tpath, "tracker", trackerNames);
            if (t.command().empty())
                error(tpath, "track_script " + q(t.name()) + " has no command");
            if (t.has_rise() && t.rise() == 0)
                error(at(tpath, "rise"), "track_script rise must be at least 1");
            if (t.has_fall() && t.fall() == 0)
                error(at(tpath, "fall"), "track_script fall must be at least 1");
            if (t.weight() < -253 || t.weight() > 253)
                error(at(tpath, "weight"), "tracker weight must be within -253..253");
        }
        for (int i = 0; i < v.track_process_size(); ++i) {
            const auto &t = v.track_process(i);
            const auto tpath = at(path, "track_process", i);
            checkName(t.name(), tpath, "tracker", trackerNames);
            if (t.process().empty() == t.pid_file().empty())
                error(tpath, "track_process needs exactly one of process or pid_file");
        }
        for (int i = 0; i < v.track_interface_size(); ++i) {
            const auto tpath = at(path, "track_interface", i);
            checkName(v.track_interface(i).name(), tpath, "tracker", trackerNames);
            if (v.track_interface(i).interface().empty())
                error(tpath, "track_interface has no interface");
        }
        for (int i = 0; i < v.track_file_size(); ++i) {
            const auto tpath = at(path, "track_file", i);
            checkName(v.track_file(i).name(), tpath, "tracker", trackerNames);
            if (v.track_file(i).path().empty())
                error(tpath, "track_file has no path");
        }
    }

    void checkRoute(const v1::Route &r, const std::string &path)
    {
        if (r.path_prefix().empty() || r.path_prefix()[0] != '/')
            error(r.path_prefix().empty() ? path : at(path, "path_prefix"),
                  "route prefix " + q(r.path_prefix()) + " must start with '/'");
        const bool hasStatic = !r.static_root().empty();
        const bool hasPool = !r.pool().empty();
        const bool hasRespond = r.has_respond();
        const bool hasRedirect = r.has_redirect();
        if (int(hasStatic) + int(hasPool) + int(hasRespond) + int(hasRedirect) != 1)
            error(path, "route needs exactly one of static_root, pool, respond or redirect");
        if (hasRedirect)
            checkRedirect(r.redirect(), at(path, "redirect"), m_findings);
        if (hasRespond && (r.respond().status() < 200 || r.respond().status() > 599))
            error(at(at(path, "respond"), "status"),
                  "respond status " + std::to_string(r.respond().status()) + " is outside 200-599");
        if (!r.replace_prefix().empty() && (!hasPool || r.replace_prefix()[0] != '/'))
            error(at(path, "replace_prefix"), "replace_prefix needs a pool and must start with '/'");
        if (hasStatic) {
            const auto exists = m_options.directoryExists ? m_options.directoryExists(r.static_root())
                                                          : std::filesystem::is_directory(r.static_root());
            if (!exists)
                error(at(path, "static_root"), "static root " + q(r.static_root()) + " does not exist");
        }
        if (hasPool) {
            const v1::Pool *pool = findPool(r.pool());
            if (!pool)
                error(at(path, "pool"), "unknown pool " + q(r.pool()));
            else if (pool->protocol() != v1::HTTP)
                error(at(path, "pool"), "HTTP route to TCP pool " + q(r.pool()));
        }
    }

    void checkListener(const v1::Listener &l, const std::string &path, std::map<std::string, std::string> &binds)
    {
        checkName(l.name(), path, "listener", m_listenerNames);
        if (l.bind().empty())
            error(path, "listener " + q(l.name()) + " has no bind address");
        else if (auto e = readEndpoint(l.bind()); !e)
            error(at(path, "bind"), e.error());
        else if (!binds.emplace(l.bind(), l.name()).second)
            error(at(path, "bind"), "listener " + q(binds[l.bind()]) + " already binds " + l.bind());
        if (l.protocol() == v1::HTTP) {
            if (!l.pool().empty())
                error(at(path, "pool"), "an HTTP listener routes with route { }, not pool");
            if (l.route_size() == 0)
                error(path, "HTTP listener " + q(l.name()) + " has no route");
            for (int i = 0; i < l.route_size(); ++i)
                checkRoute(l.route(i), at(path, "route", i));
            if (l.has_tls())
                checkListenerTls(l, path, m_options, m_findings);
            if (l.has_http2())
                checkHttp2(l.http2(), at(path, "http2"));
        } else {
            if (l.has_http2())
                error(at(path, "http2"), "http2 on TCP listener " + q(l.name()));
            if (l.route_size() > 0)
                error(at(path, "route", 0), "HTTP route on TCP listener " + q(l.name()));
            if (l.pool().empty())
                error(path, "TCP listener " + q(l.name()) + " has no pool");
            else if (const v1::Pool *pool = findPool(l.pool()); !pool)
                error(at(path, "pool"), "unknown pool " + q(l.pool()));
            else if (pool->protocol() != v1::TCP)
                error(at(path, "pool"), "TCP listener uses HTTP pool " + q(l.pool()));
        }
    }

    // RFC 9113 6.5.2: a window up to 2^31-1, frames of 2^14..2^24-1 octets.
    void checkHttp2(const v1::Http2 &h, const std::string &path)
    {
        if (h.max_concurrent_streams() > 10000)
            error(at(path, "max_concurrent_streams"), "max_concurrent_streams above 10000");
        if (h.initial_window_bytes() > 0x7fffffffu)
            error(at(path, "initial_window_bytes"), "initial_window_bytes above 2^31-1");
        if (h.max_frame_bytes() && (h.max_frame_bytes() < 16384 || h.max_frame_bytes() > 16777215))
            error(at(path, "max_frame_bytes"), "max_frame_bytes outside 16384..16777215");
        if (h.max_connection_buffer_bytes() && h.max_connection_buffer_bytes() < 65536)
            error(at(path, "max_connection_buffer_bytes"), "max_connection_buffer_bytes below 65536");
        if (h.max_header_list_bytes() && h.max_header_list_bytes() < 1024)
            error(at(path, "max_header_list_bytes"), "max_header_list_bytes below 1024");
    }

    const v1::Cluster &m_cluster;
    const ValidateOptions &m_options;
    std::vector<Finding> m_findings;
    std::set<std::string> m_nodeNames, m_poolNames, m_vipNames, m_listenerNames;
    std::map<std::string, std::string> m_vrids;
};

} // namespace

std::vector<Finding> validateCluster(const v1::Cluster &cluster, const ValidateOptions &options)
{
    return Validator(cluster, options).run();
}

} // namespace hafront::config
