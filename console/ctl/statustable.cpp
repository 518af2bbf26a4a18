#include "ctl/statustable.h"

#include "config/snapshot.h"
#include "events/eventlog.h"

#include <cstdio>
#include <ctime>
#include <vector>

namespace hafront::ctl {
namespace {

using Row = std::vector<std::string>;

std::string table(const std::vector<Row> &rows)
{
    std::vector<size_t> width;
    for (const auto &r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            width.resize(std::max(width.size(), r.size()));
            width[i] = std::max(width[i], r[i].size());
        }
    std::string out;
    for (const auto &r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size())
                line += std::string(width[i] - r[i].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

std::string fixed(double v, int digits)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string ms(double v)
{
    return v <= 0 ? "-" : (v < 10 ? fixed(v, 2) : fixed(v, 0)) + "ms";
}

const char *vrrpName(v1::VrrpState s)
{
    switch (s) {
    case v1::MASTER:
        return "MASTER";
    case v1::BACKUP:
        return "BACKUP";
    case v1::FAULT:
        return "FAULT";
    default:
        return "INIT";
    }
}

const char *healthName(v1::Health h)
{
    switch (h) {
    case v1::UP:
        return "up";
    case v1::DOWN:
        return "DOWN";
    default:
        return "?";
    }
}

std::string formatDate(int64_t unixSeconds)
{
    const std::time_t t = std::time_t(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

} // namespace

std::string formatDuration(uint64_t msTotal)
{
    if (msTotal < 1000)
        return std::to_string(msTotal) + "ms";
    uint64_t s = msTotal / 1000;
    if (s < 3600)
        return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
    if (s < 86400)
        return std::to_string(s / 3600) + "h" + std::to_string((s % 3600) / 60) + "m";
    return std::to_string(s / 86400) + "d" + std::to_string((s % 86400) / 3600) + "h";
}

std::string formatStatus(const v1::NodeStatus &st)
{
    std::string out = "node " + st.node() + " (" + st.address() + ") cluster " + st.cluster() + ", up " +
                      formatDuration(st.uptime_ms()) + ", agent " + st.agent_version() + "\n";
    if (st.vips_size() > 0) {
        std::vector<Row> rows{{"VIP", "ADDRESS", "STATE", "PRIORITY", "MASTER", "OVERRIDE", "LAST CHANGE"}};
        for (const auto &v : st.vips()) {
            std::string override = v.maintenance() ? "maintenance" : v.force_master() ? "force-master" : "-";
            if (v.simulating_crash())
                override = "crash drill";
            rows.push_back({v.name(), v.address(), vrrpName(v.state()),
                            std::to_string(v.effective_priority()) + "/" + std::to_string(v.configured_priority()),
                            v.master_address().empty() ? "-" : v.master_address(), override,
                            v.last_transition_reason().empty() ? "-" : v.last_transition_reason()});
        }
        out += "\n" + table(rows);
    }
    if (st.pools_size() > 0) {
        std::vector<Row> rows{{"POOL/BACKEND", "ADDRESS", "HEALTH", "STATE", "WEIGHT", "REQ/S", "ACTIVE", "P50", "P99",
                               "5XX", "LAST CHECK"}};
        for (const auto &p : st.pools())
            for (const auto &b : p.backends()) {
                std::string weight = std::to_string(b.weight());
                if (b.effective_weight() != b.weight())
                    weight += " (" + std::to_string(b.effective_weight()) + ")";
                rows.push_back({p.name() + "/" + b.name() + (b.backup() ? " (backup)" : ""), b.address(),
                                healthName(b.health()), config::stateName(b.state()), weight,
                                fixed(b.requests_per_second(), 1), std::to_string(b.active_connections()),
                                ms(b.latency_p50_ms()), ms(b.latency_p99_ms()), std::to_string(b.responses_5xx()),
                                b.last_check().empty() ? "-" : b.last_check()});
            }
        out += "\n" + table(rows);
        for (const auto &p : st.pools()) { // pools with tls { }: is the session reuse working?
            if (!p.tls())
                continue;
            uint64_t handshakes = 0, resumed = 0, failed = 0;
            for (const auto &b : p.backends()) {
                handshakes += b.tls_handshakes_total();
                resumed += b.tls_resumed_total();
                for (const auto &e : b.errors())
                    if (e.name() == "tls")
                        failed += e.value();
            }
            out += "TLS to pool " + p.name() + ": " + std::to_string(handshakes) + " handshakes, " +
                   std::to_string(resumed) + " resumed" + (failed ? ", " + std::to_string(failed) + " failed" : "") +
                   "\n";
        }
    }
    if (st.listeners_size() > 0) {
        std::vector<Row> rows{{"LISTENER", "BIND", "LISTENING", "REQ/S", "ACTIVE", "ACCEPTED"}};
        for (const auto &l : st.listeners())
            rows.push_back({l.name(), l.bind(), l.listening() ? "yes" : "NO", fixed(l.requests_per_second(), 1),
                            std::to_string(l.active_connections()), std::to_string(l.accepted_total())});
        out += "\n" + table(rows);
        // HTTP/2: only for listeners that saw it (quiet otherwise).
        std::vector<Row> h2{{"H2 LISTENER", "CONNS", "STREAMS", "STREAMS TOTAL", "RESETS RECV", "GOAWAY SENT"}};
        for (const auto &l : st.listeners()) {
            if (!l.h2_streams_total() && !l.h2_connections_active() && l.h2_goaway_sent_size() == 0)
                continue;
            std::string goaways;
            for (const auto &c : l.h2_goaway_sent())
                goaways += (goaways.empty() ? "" : " ") + c.name() + "=" + std::to_string(c.value());
            h2.push_back({l.name(), std::to_string(l.h2_connections_active()), std::to_string(l.h2_streams_active()),
                          std::to_string(l.h2_streams_total()), std::to_string(l.h2_resets_received_total()),
                          goaways.empty() ? "-" : goaways});
        }
        if (h2.size() > 1)
            out += "\n" + table(h2);
    }
    std::vector<Row> certs{{"CERTIFICATE", "NAMES", "KEY", "ISSUER", "NOT AFTER", "SHA-256"}};
    std::string tlsLines;
    for (const auto &l : st.listeners()) {
        if (!l.has_tls())
            continue;
        const int64_t now = st.wall_time_us() / 1000000;
        for (const auto &c : l.tls().certificate()) {
            std::string names;
            for (const auto &n : c.names())
                names += (names.empty() ? "" : ",") + n;
            std::string notAfter = formatDate(c.not_after());
            const int64_t days = (c.not_after() - now) / 86400;
            notAfter += c.not_after() < now ? " (EXPIRED)"
                                            : " (" + std::to_string(days) + "d" + (days < 14 ? ", RENEW" : "") + ")";
            certs.push_back({l.name(), names, c.key_type(), c.issuer(), notAfter, c.sha256().substr(0, 23) + "..."});
        }
        const auto &t = l.tls();
        std::string failures;
        for (const auto &f : t.handshake_failures())
            failures += " " + f.name() + "=" + std::to_string(f.value());
        tlsLines += "TLS " + l.name() + ": " + std::to_string(t.handshakes_total()) + " handshakes, " +
                    std::to_string(t.resumed_total()) + " resumed" +
                    (t.shared_ticket_keys() ? " (ticket keys shared)" : " (ticket keys of this node only)") +
                    (failures.empty() ? "" : ", failed:" + failures) + "\n";
    }
    if (certs.size() > 1)
        out += "\n" + table(certs) + tlsLines;
    for (const auto &t : st.threads()) // quiet while all is well
        if (t.stalled())
            out += "\nSTALLED thread " + t.name() + ": no progress for " + formatDuration(t.since_progress_ms()) +
                   " (the node gives its VIPs up; under systemd the watchdog restarts it)\n";
    return out;
}

std::string formatEvent(const v1::Event &e)
{
    const std::time_t secs = static_cast<std::time_t>(e.wall_time_us() / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((e.wall_time_us() / 1000) % 1000));
    return std::string(stamp) + " " + e.node() + " #" + std::to_string(e.seq()) + " " + events::kindName(e.kind()) +
           " " + e.message();
}

} // namespace hafront::ctl
