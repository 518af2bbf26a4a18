#include "metrics/nodemetrics.h"

#include "metrics/exposition.h"
#include "proxy/tlscontext.h"
#include "stats/backenderrors.h"
#include "stats/rejections.h"

#include <cmath>
#include <string>
#include <vector>

namespace hafront::metrics {

namespace {

using T = MetricType;

// Classes and codes the proxy counts (proxy/proxyengine.cpp, fillStatus). The
// status lists only those seen so far; the metrics show all of them from the
// start, at 0, so that rate() sees the first increment.
const std::vector<std::string> kErrorClasses(stats::kBackendErrorNames.begin(), stats::kBackendErrorNames.end());
const std::vector<std::string> kRejectCodes = [] {
    std::vector<std::string> codes;
    for (int status : stats::kRejectStatuses)
        codes.push_back(std::to_string(status));
    return codes;
}();
const std::vector<std::string> kGoawayReasons(stats::kGoawayReasons.begin(), stats::kGoawayReasons.end());

const std::vector<std::string> kTlsFailures(proxy::kTlsFailureNames.begin(), proxy::kTlsFailureNames.end());

uint64_t counterValue(const google::protobuf::RepeatedPtrField<v1::Counter> &counters, const std::string &name)
{
    for (const auto &c : counters)
        if (c.name() == name)
            return c.value();
    return 0;
}

// Known names first (always present), then any other name the status carries.
void counterSet(Exposition &out, const std::string &family, const Labels &base, const std::string &label,
                const std::vector<std::string> &known, const google::protobuf::RepeatedPtrField<v1::Counter> &counters)
{
    auto with = [&](const std::string &value) {
        Labels labels = base;
        labels.emplace_back(label, value);
        return labels;
    };
    for (const auto &name : known)
        out.sample(family, with(name), counterValue(counters, name));
    for (const auto &c : counters) {
        bool isKnown = false;
        for (const auto &name : known)
            isKnown |= c.name() == name;
        if (!isKnown)
            out.sample(family, with(c.name()), c.value());
    }
}

// A gauge per possible state, 1 for the current one (node_exporter's systemd
// unit state style): `max by (vip) (hafront_vip_state{state="master"})`.
template <class Enum>
void stateSet(Exposition &out, const std::string &family, const Labels &base, const std::string &label,
              std::initializer_list<std::pair<Enum, const char *>> states, Enum current)
{
    for (const auto &[state, name] : states) {
        Labels labels = base;
        labels.emplace_back(label, name);
        out.sample(family, labels, uint64_t(state == current ? 1 : 0));
    }
}

uint64_t flag(bool b)
{
    return b ? 1 : 0;
}

double seconds(int64_t wallMicros)
{
    return double(wallMicros) / 1e6;
}

// "0.000032" for 32 µs: exact decimal seconds, no exponent, no trailing zeros.
std::string secondsText(uint64_t micros)
{
    std::string frac = std::to_string(1000000 + micros % 1000000).substr(1);
    while (!frac.empty() && frac.back() == '0')
        frac.pop_back();
    return std::to_string(micros / 1000000) + (frac.empty() ? "" : "." + frac);
}

void renderAgent(Exposition &out, const v1::NodeStatus &status, double startTimeSeconds)
{
    out.family("hafront_build_info", T::Gauge, "Always 1; labelled with the version of the running agent.");
    out.sample("hafront_build_info", {{"version", status.agent_version()}}, uint64_t(1));
    out.family("hafront_node_info", T::Gauge, "Always 1; labelled with this node's name, cluster and address.");
    out.sample("hafront_node_info",
               {{"node", status.node()}, {"cluster", status.cluster()}, {"address", status.address()}}, uint64_t(1));
    out.family("hafront_agent_start_time_seconds", T::Gauge,
               "When the agent started, in seconds since the Unix epoch.");
    out.sample("hafront_agent_start_time_seconds", {}, startTimeSeconds);
    out.family("hafront_config_generation", T::Gauge,
               "Generation of the config and runtime overrides in force; grows on every reload and operator change.");
    out.sample("hafront_config_generation", {}, status.config_generation());
    out.family("hafront_events_total", T::Counter,
               "Events recorded since the agent started (VIP and health changes, commands, reloads).");
    out.sample("hafront_events_total", {}, status.last_event_seq());
}

void renderVips(Exposition &out, const v1::NodeStatus &status)
{
    out.family("hafront_vip_info", T::Gauge, "Always 1; labelled with the VIP's VRID, address and interface.");
    out.family("hafront_vip_state", T::Gauge, "1 for the VRRP state this node is in for the VIP, 0 for the others.");
    out.family("hafront_vip_transitions_total", T::Counter, "VRRP state changes of the VIP since the agent started.");
    out.family("hafront_vip_last_transition_time_seconds", T::Gauge,
               "When the VIP last changed state, in seconds since the Unix epoch; 0 before the first change.");
    out.family("hafront_vip_priority", T::Gauge, "Effective VRRP priority: configured, plus trackers and overrides.");
    out.family("hafront_vip_configured_priority", T::Gauge, "VRRP priority from the config.");
    out.family("hafront_vip_maintenance", T::Gauge, "1 while an operator holds the VIP in maintenance on this node.");
    out.family("hafront_vip_force_master", T::Gauge, "1 while an operator forces this node to be master of the VIP.");
    out.family("hafront_vip_address_installed", T::Gauge, "1 while the VIP address is on this node's interface.");
    out.family("hafront_vip_adverts_sent_total", T::Counter, "VRRP advertisements sent for the VIP.");
    out.family("hafront_vip_adverts_received_total", T::Counter, "VRRP advertisements received for the VIP.");
    out.family("hafront_vip_dropped_packets_total", T::Counter, "VRRP packets dropped, by reason.");
    out.family("hafront_vip_tracker_up", T::Gauge, "1 when the tracker's last check passed, 0 when it failed.");
    for (const auto &v : status.vips()) {
        const Labels vip{{"vip", v.name()}};
        out.sample("hafront_vip_info",
                   {{"vip", v.name()},
                    {"vrid", std::to_string(v.vrid())},
                    {"address", v.address()},
                    {"interface", v.interface()}},
                   uint64_t(1));
        stateSet<v1::VrrpState>(
            out, "hafront_vip_state", vip, "state",
            {{v1::INITIALIZE, "initialize"}, {v1::BACKUP, "backup"}, {v1::MASTER, "master"}, {v1::FAULT, "fault"}},
            v.state());
        out.sample("hafront_vip_transitions_total", vip, v.transitions());
        out.sample("hafront_vip_last_transition_time_seconds", vip, seconds(v.last_transition_wall_us()));
        out.sample("hafront_vip_priority", vip, uint64_t(v.effective_priority()));
        out.sample("hafront_vip_configured_priority", vip, uint64_t(v.configured_priority()));
        out.sample("hafront_vip_maintenance", vip, flag(v.maintenance()));
        out.sample("hafront_vip_force_master", vip, flag(v.force_master()));
        out.sample("hafront_vip_address_installed", vip, flag(v.address_installed()));
        out.sample("hafront_vip_adverts_sent_total", vip, v.adverts_sent());
        out.sample("hafront_vip_adverts_received_total", vip, v.adverts_received());
        for (const auto &d : v.dropped())
            out.sample("hafront_vip_dropped_packets_total", {{"vip", v.name()}, {"reason", d.name()}}, d.value());
        for (const auto &t : v.trackers())
            out.sample("hafront_vip_tracker_up", {{"vip", v.name()}, {"tracker", t.name()}, {"kind", t.kind()}},
                       flag(t.ok()));
    }
}

void renderLatency(Exposition &out, const Labels &backend, const v1::LatencyHistogram &histogram)
{
    const std::string name = "hafront_backend_latency_seconds";
    size_t next = 0; // status buckets are ascending and non-cumulative
    uint64_t cumulative = 0;
    for (const uint64_t bound : NodeMetrics::latencyBoundsMicros()) {
        while (next < size_t(histogram.upper_bound_ms_size()) &&
               std::llround(histogram.upper_bound_ms(int(next)) * 1000.0) <= int64_t(bound)) {
            cumulative += histogram.count(int(next));
            ++next;
        }
        Labels labels = backend;
        labels.emplace_back("le", secondsText(bound));
        out.sample(name, labels, cumulative, "_bucket");
    }
    uint64_t total = 0;
    for (const uint64_t c : histogram.count())
        total += c;
    Labels labels = backend;
    labels.emplace_back("le", "+Inf");
    out.sample(name, labels, total, "_bucket");
    out.sample(name, backend, histogram.sum_ms() / 1000.0, "_sum");
    out.sample(name, backend, total, "_count");
}

void renderBackends(Exposition &out, const v1::NodeStatus &status)
{
    out.family("hafront_pool_backends_up", T::Gauge,
               "Backends of the pool not known to be down (up or not yet checked).");
    out.family("hafront_backend_info", T::Gauge, "Always 1; labelled with the backend's address and backup flag.");
    out.family("hafront_backend_health", T::Gauge,
               "1 for the backend's health as this node sees it, 0 for the others.");
    out.family("hafront_backend_state", T::Gauge,
               "1 for the backend's operator state (ready, drain, maint), 0 for the others.");
    out.family("hafront_backend_weight", T::Gauge,
               "Weight in force: the operator's override or the configured weight.");
    out.family("hafront_backend_configured_weight", T::Gauge, "Weight from the config.");
    out.family("hafront_backend_effective_weight", T::Gauge, "Weight the balancer uses now, after slow start.");
    out.family("hafront_backend_max_connections", T::Gauge, "Connection limit to the backend; 0 means unlimited.");
    out.family("hafront_backend_active_connections", T::Gauge, "Connections to the backend carrying a request now.");
    out.family("hafront_backend_idle_connections", T::Gauge, "Idle keep-alive connections to the backend.");
    out.family("hafront_backend_requests_total", T::Counter, "Requests the backend answered.");
    out.family("hafront_backend_responses_total", T::Counter, "Responses from the backend, by status class.");
    out.family("hafront_backend_errors_total", T::Counter, "Failed exchanges with the backend, by class.");
    out.family("hafront_backend_retries_total", T::Counter,
               "Requests retried on another backend after this one failed.");
    out.family("hafront_backend_received_bytes_total", T::Counter, "Bytes received from the backend.");
    out.family("hafront_backend_sent_bytes_total", T::Counter,
               "Bytes sent to the backend (counted for TCP pools; HTTP pools do not count request bytes yet).");
    out.family("hafront_backend_tls_handshakes_total", T::Counter,
               "TLS pools: handshakes completed with the backend (failed ones are errors of class tls).");
    out.family("hafront_backend_tls_resumed_handshakes_total", T::Counter,
               "TLS pools: handshakes with the backend that resumed a session.");
    out.family("hafront_backend_latency_seconds", T::Histogram,
               "Time from the start of a request to the end of the backend's response.");
    for (const auto &p : status.pools()) {
        out.sample("hafront_pool_backends_up", {{"pool", p.name()}}, uint64_t(p.backends_up()));
        for (const auto &b : p.backends()) {
            const Labels backend{{"pool", p.name()}, {"backend", b.name()}};
            auto with = [&](const char *name, std::string value) {
                Labels labels = backend;
                labels.emplace_back(name, std::move(value));
                return labels;
            };
            Labels info = with("address", b.address());
            info.emplace_back("backup", b.backup() ? "true" : "false");
            out.sample("hafront_backend_info", info, uint64_t(1));
            stateSet<v1::Health>(out, "hafront_backend_health", backend, "health",
                                 {{v1::UP, "up"}, {v1::DOWN, "down"}, {v1::HEALTH_UNKNOWN, "unknown"}}, b.health());
            stateSet<v1::BackendState>(out, "hafront_backend_state", backend, "state",
                                       {{v1::READY, "ready"}, {v1::DRAIN, "drain"}, {v1::MAINT, "maint"}}, b.state());
            out.sample("hafront_backend_weight", backend, uint64_t(b.weight()));
            out.sample("hafront_backend_configured_weight", backend, uint64_t(b.configured_weight()));
            out.sample("hafront_backend_effective_weight", backend, uint64_t(b.effective_weight()));
            out.sample("hafront_backend_max_connections", backend, uint64_t(b.max_connections()));
            out.sample("hafront_backend_active_connections", backend, uint64_t(b.active_connections()));
            out.sample("hafront_backend_idle_connections", backend, uint64_t(b.idle_connections()));
            out.sample("hafront_backend_requests_total", backend, b.requests_total());
            for (const auto &[code, value] : {std::pair{"1xx", b.responses_1xx()}, std::pair{"2xx", b.responses_2xx()},
                                              std::pair{"3xx", b.responses_3xx()}, std::pair{"4xx", b.responses_4xx()},
                                              std::pair{"5xx", b.responses_5xx()}})
                out.sample("hafront_backend_responses_total", with("code", code), value);
            counterSet(out, "hafront_backend_errors_total", backend, "class", kErrorClasses, b.errors());
            out.sample("hafront_backend_retries_total", backend, b.retries());
            out.sample("hafront_backend_received_bytes_total", backend, b.bytes_in());
            out.sample("hafront_backend_sent_bytes_total", backend, b.bytes_out());
            if (p.tls()) {
                out.sample("hafront_backend_tls_handshakes_total", backend, b.tls_handshakes_total());
                out.sample("hafront_backend_tls_resumed_handshakes_total", backend, b.tls_resumed_total());
            }
            renderLatency(out, backend, b.latency());
        }
    }
}

void renderListeners(Exposition &out, const v1::NodeStatus &status)
{
    out.family("hafront_listener_info", T::Gauge, "Always 1; labelled with the listener's bind address and protocol.");
    out.family("hafront_listener_up", T::Gauge, "1 while the listener's socket is open.");
    out.family("hafront_listener_accepted_connections_total", T::Counter, "Client connections accepted.");
    out.family("hafront_listener_handed_over_connections_total", T::Counter,
               "Connections accepted by one proxy worker and handed to a less loaded one.");
    out.family("hafront_listener_active_connections", T::Gauge, "Client connections open now.");
    out.family("hafront_listener_requests_total", T::Counter, "Client requests received.");
    out.family("hafront_listener_rejected_requests_total", T::Counter,
               "Requests the proxy answered itself with an error status, by status code.");
    out.family("hafront_listener_h2_connections_active", T::Gauge, "HTTP/2 client connections open now.");
    out.family("hafront_listener_h2_streams_active", T::Gauge, "HTTP/2 streams open now.");
    out.family("hafront_listener_h2_streams_total", T::Counter, "HTTP/2 streams opened by clients.");
    out.family("hafront_listener_h2_resets_received_total", T::Counter, "RST_STREAM frames received from clients.");
    out.family("hafront_listener_h2_goaway_sent_total", T::Counter,
               "GOAWAY frames sent to HTTP/2 clients, by reason (drain, idle, protocol, rapid_reset, continuation, "
               "control_flood, header_list, memory).");
    for (const auto &l : status.listeners()) {
        const Labels listener{{"listener", l.name()}};
        out.sample("hafront_listener_info",
                   {{"listener", l.name()}, {"bind", l.bind()}, {"protocol", l.protocol() == v1::TCP ? "tcp" : "http"}},
                   uint64_t(1));
        out.sample("hafront_listener_up", listener, flag(l.listening()));
        out.sample("hafront_listener_accepted_connections_total", listener, l.accepted_total());
        out.sample("hafront_listener_handed_over_connections_total", listener, l.handed_over_total());
        out.sample("hafront_listener_active_connections", listener, uint64_t(l.active_connections()));
        out.sample("hafront_listener_requests_total", listener, l.requests_total());
        counterSet(out, "hafront_listener_rejected_requests_total", listener, "code", kRejectCodes, l.rejected());
        if (l.protocol() == v1::TCP)
            continue;
        out.sample("hafront_listener_h2_connections_active", listener, uint64_t(l.h2_connections_active()));
        out.sample("hafront_listener_h2_streams_active", listener, uint64_t(l.h2_streams_active()));
        out.sample("hafront_listener_h2_streams_total", listener, l.h2_streams_total());
        out.sample("hafront_listener_h2_resets_received_total", listener, l.h2_resets_received_total());
        counterSet(out, "hafront_listener_h2_goaway_sent_total", listener, "reason", kGoawayReasons,
                   l.h2_goaway_sent());
    }
}

void renderTls(Exposition &out, const v1::NodeStatus &status)
{
    out.family("hafront_tls_certificate_not_after_seconds", T::Gauge,
               "When the certificate expires (Unix seconds); labelled with its names, issuer and fingerprint.");
    out.family("hafront_tls_handshakes_total", T::Counter, "TLS handshakes completed.");
    out.family("hafront_tls_resumed_handshakes_total", T::Counter, "Of them, resumed with a session ticket.");
    out.family("hafront_tls_handshake_failures_total", T::Counter, "TLS handshakes that failed, by reason.");
    out.family("hafront_tls_shared_ticket_keys", T::Gauge,
               "1 when session tickets use keys from the shared secret file (they resume on every node).");
    for (const auto &l : status.listeners()) {
        if (!l.has_tls())
            continue;
        const Labels listener{{"listener", l.name()}};
        for (const auto &c : l.tls().certificate()) {
            std::string names;
            for (const auto &n : c.names())
                names += (names.empty() ? "" : ",") + n;
            out.sample("hafront_tls_certificate_not_after_seconds",
                       {{"listener", l.name()},
                        {"names", names},
                        {"issuer", c.issuer()},
                        {"key_type", c.key_type()},
                        {"sha256", c.sha256()}},
                       uint64_t(c.not_after()));
        }
        out.sample("hafront_tls_handshakes_total", listener, l.tls().handshakes_total());
        out.sample("hafront_tls_resumed_handshakes_total", listener, l.tls().resumed_total());
        counterSet(out, "hafront_tls_handshake_failures_total", listener, "reason", kTlsFailures,
                   l.tls().handshake_failures());
        out.sample("hafront_tls_shared_ticket_keys", listener, flag(l.tls().shared_ticket_keys()));
    }
}

void renderThreads(Exposition &out, const v1::NodeStatus &status)
{
    out.family("hafront_thread_stalled", T::Gauge,
               "1 while the thread has made no progress for settings.stall_timeout_ms.");
    out.family("hafront_thread_longest_gap_seconds", T::Gauge, "Longest time between two turns of the thread's loop.");
    out.family("hafront_thread_long_gaps_total", T::Counter, "Turns of the thread's loop more than 100 ms apart.");
    for (const auto &t : status.threads()) {
        const Labels thread{{"thread", t.name()}};
        out.sample("hafront_thread_stalled", thread, flag(t.stalled()));
        out.sample("hafront_thread_longest_gap_seconds", thread, double(t.max_gap_ms()) / 1000.0);
        out.sample("hafront_thread_long_gaps_total", thread, t.long_gaps());
    }
}

} // namespace

std::vector<uint64_t> NodeMetrics::latencyBoundsMicros()
{
    std::vector<uint64_t> bounds;
    for (int power = 5; power <= 25; ++power) // 32 µs .. 33.55 s
        bounds.push_back(uint64_t(1) << power);
    return bounds;
}

std::string NodeMetrics::render(const v1::NodeStatus &status, double startTimeSeconds)
{
    Exposition out;
    renderAgent(out, status, startTimeSeconds);
    renderVips(out, status);
    renderBackends(out, status);
    renderListeners(out, status);
    renderTls(out, status);
    renderThreads(out, status);
    return out.text();
}

} // namespace hafront::metrics
