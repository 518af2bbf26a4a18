#include "proxy/proxyengine.h"

#include "base/clock.h"
#include "base/log.h"
#include "config/defaults.h"
#include "proxy/backendruntime.h"
#include "proxy/healthchecker.h"
#include "proxy/worker.h"
#include "stats/ratemeter.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

namespace hafront::proxy {
namespace {

void fillTlsStatus(const ListenerRuntime &rt, v1::TlsStatus &out)
{
    out.set_handshakes_total(rt.tlsHandshakes.load(std::memory_order_relaxed));
    out.set_resumed_total(rt.tlsResumed.load(std::memory_order_relaxed));
    for (size_t i = 0; i < kTlsFailureNames.size(); ++i)
        if (const uint64_t v = rt.tlsFailures[i].load(std::memory_order_relaxed)) {
            auto *c = out.add_handshake_failures();
            c->set_name(kTlsFailureNames[i]);
            c->set_value(v);
        }
    const auto context = rt.tls.get();
    if (!context)
        return;
    out.set_shared_ticket_keys(context->sharedTicketKeys());
    out.set_loaded_wall_us(context->loadedWallMicros());
    for (size_t i = 0; i < context->certificates().size(); ++i) {
        const tls::CertificateInfo &info = context->certificates()[i];
        auto *c = out.add_certificate();
        for (const auto &n : info.names)
            c->add_names(n);
        c->set_subject(info.subject);
        c->set_issuer(info.issuer);
        c->set_not_before(info.notBefore);
        c->set_not_after(info.notAfter);
        c->set_sha256(info.sha256);
        c->set_key_type(info.keyType);
        c->set_cert_file(context->certificateFiles()[i]);
    }
}

} // namespace

struct ProxyEngine::Impl {
    config::SnapshotStore &store;
    events::EventLog &events;
    RuntimeRegistry registry;
    std::vector<std::unique_ptr<Worker>> workers;
    std::unique_ptr<HealthChecker> health;
    Liveness *liveness = nullptr;
    bool started = false;
    std::atomic<const v1::Cluster *> tlsLoadedFor{nullptr}; // the config the TLS contexts were built from

    // Builds every TLS listener's context from the snapshot's config, which
    // reads the certificate files again: on every reload (SIGHUP), even when
    // the text did not change, so renewed files are served at once. A file
    // that fails keeps that listener's previous certificates (at start: fails).
    Status loadTls(const config::Snapshot &snap, bool atStart)
    {
        tlsLoadedFor = snap.cluster.get();
        for (const auto &l : snap.cluster->listener()) {
            if (!l.has_tls())
                continue;
            ListenerRuntime &rt = registry.listener(l.name(), l.bind());
            auto context = TlsServerContext::build(l.tls());
            std::map<std::string, std::string> fields{{"listener", l.name()}};
            if (!context) {
                if (atStart)
                    return fail("listener " + l.name() + ": " + context.error());
                fields["result"] = "refused";
                events.record(v1::CONFIG, "tls",
                              "listener " + l.name() +
                                  ": certificates not replaced, the previous stay: " + context.error(),
                              fields, wallMicros(), monoMicros());
                continue;
            }
            std::vector<std::string> seen; // an ECDSA and an RSA certificate share names
            std::string names;
            for (const auto &c : context.value()->certificates())
                for (const auto &n : c.names)
                    if (std::find(seen.begin(), seen.end(), n) == seen.end()) {
                        seen.push_back(n);
                        names += (names.empty() ? "" : ",") + n;
                    }
            fields["result"] = "ok";
            fields["certificates"] = std::to_string(context.value()->certificates().size());
            fields["names"] = names;
            rt.tls.set(context.value());
            events.record(v1::CONFIG, "tls",
                          "listener " + l.name() + ": " + fields["certificates"] + " certificate(s) loaded for " +
                              names,
                          fields, wallMicros(), monoMicros());
        }
        return loadPoolTls(snap, atStart);
    }

    // The same for pools with tls { } (the CA bundle, a client certificate),
    // set on every backend of the pool; a pool without tls clears them. A
    // failed reload keeps the previous context (none: its backends fail).
    Status loadPoolTls(const config::Snapshot &snap, bool atStart)
    {
        for (const auto &p : snap.cluster->pool()) {
            std::shared_ptr<const TlsClientContext> context;
            if (p.has_tls()) {
                auto built = TlsClientContext::build(p.tls());
                std::map<std::string, std::string> fields{{"pool", p.name()}};
                if (!built) {
                    if (atStart)
                        return fail("pool " + p.name() + ": " + built.error());
                    fields["result"] = "refused";
                    events.record(v1::CONFIG, "tls",
                                  "pool " + p.name() +
                                      ": backend TLS not replaced, the previous stays: " + built.error(),
                                  fields, wallMicros(), monoMicros());
                    continue;
                }
                context = built.value();
                fields["result"] = "ok";
                fields["ca_file"] = p.tls().ca_file().empty() ? "system" : p.tls().ca_file();
                fields["server_name"] = p.tls().server_name();
                events.record(v1::CONFIG, "tls",
                              "pool " + p.name() + ": TLS to backends, verified with " + fields["ca_file"] +
                                  (context->verifies() ? "" : " (verify off)"),
                              fields, wallMicros(), monoMicros());
            }
            for (const auto &b : p.backend())
                registry.backend(p.name(), b.name(), b.address()).tls.set(context);
        }
        return {};
    }

    // Request rates from counter deltas (stats::RateMeter), one meter per runtime.
    mutable std::mutex rateMutex;
    mutable std::map<const void *, stats::RateMeter> rates;

    double rate(const void *key, uint64_t count) const
    {
        std::lock_guard lock(rateMutex);
        return rates[key].update(count, monoMicros());
    }
};

ProxyEngine::ProxyEngine(config::SnapshotStore &store, events::EventLog &events) : m_impl(new Impl{store, events}) {}

ProxyEngine::~ProxyEngine()
{
    stop(std::chrono::milliseconds(0));
}

Status ProxyEngine::start(Liveness *liveness)
{
    m_impl->liveness = liveness;
    const auto snap = m_impl->store.current();
    const v1::Node *self = snap->self();
    uint32_t count = self && self->workers() ? self->workers() : snap->cluster->settings().workers();
    if (count == 0)
        count = std::max(1u, std::thread::hardware_concurrency());
    for (const auto &pool : snap->cluster->pool())
        for (const auto &b : pool.backend()) {
            BackendRuntime &rt = m_impl->registry.backend(pool.name(), b.name(), b.address());
            if (pool.passive().max_fails()) {
                std::lock_guard lock(rt.mutex);
                rt.passive = std::make_unique<health::PassiveWindow>(
                    pool.passive().max_fails(), std::chrono::milliseconds(config::failWindowMs(pool.passive())),
                    std::chrono::milliseconds(config::failTimeoutMs(pool.passive())));
            }
        }
    if (snap->cluster->listener_size() == 0)
        count = 0; // nothing to serve: no threads
    if (auto ok = m_impl->loadTls(*snap, true); !ok)
        return ok;
    m_impl->store.addObserver([impl = m_impl.get()](const std::shared_ptr<const config::Snapshot> &next) {
        if (next->cluster.get() != impl->tlsLoadedFor) // a reload, not a runtime override
            impl->loadTls(*next, false).ok();
    });
    for (uint32_t i = 0; i < count; ++i) {
        auto w = std::make_unique<Worker>(int(i), m_impl->store, m_impl->registry);
        if (auto ok = w->bindListeners(); !ok) {
            m_impl->workers.clear();
            return ok;
        }
        m_impl->workers.push_back(std::move(w));
    }
    std::vector<Worker *> siblings;
    for (auto &w : m_impl->workers)
        siblings.push_back(w.get());
    for (auto &w : m_impl->workers)
        w->setSiblings(siblings);
    const int64_t now = monoMicros();
    for (auto &w : m_impl->workers)
        w->start(liveness ? &liveness->add("hf-proxy-" + std::to_string(w->index()), Heartbeat::Role::Serving, now)
                          : nullptr);
    m_impl->health = std::make_unique<HealthChecker>(
        m_impl->store, m_impl->registry, m_impl->events,
        liveness ? &liveness->add("hf-health", Heartbeat::Role::Serving, now) : nullptr);
    m_impl->health->start();
    m_impl->started = true;
    log::info("proxy", "started workers=" + std::to_string(count) +
                           " listeners=" + std::to_string(snap->cluster->listener_size()));
    return {};
}

void ProxyEngine::stop(std::chrono::milliseconds drain)
{
    if (!m_impl->started)
        return;
    m_impl->started = false;
    const int64_t deadline = monoMicros() + int64_t(drain.count()) * 1000;
    for (auto &w : m_impl->workers)
        w->requestStop(deadline);
    for (auto &w : m_impl->workers)
        w->join();
    if (m_impl->health)
        m_impl->health->stop();
    m_impl->workers.clear();
    log::info("proxy", "stopped");
}

void ProxyEngine::fillStatus(v1::NodeStatus &status) const
{
    const auto snap = m_impl->store.current();
    for (const auto &pool : snap->cluster->pool()) {
        auto *ps = status.add_pools();
        ps->set_name(pool.name());
        ps->set_protocol(pool.protocol());
        ps->set_balance(pool.balance());
        ps->set_tls(pool.has_tls());
        double poolRate = 0;
        uint32_t up = 0;
        for (const auto &b : pool.backend()) {
            BackendRuntime &rt = m_impl->registry.backend(pool.name(), b.name(), b.address());
            auto *bs = ps->add_backends();
            bs->set_name(b.name());
            bs->set_address(b.address());
            bs->set_backup(b.backup());
            bs->set_configured_weight(config::weightOf(b));
            bs->set_weight(snap->weight(pool.name(), b));
            uint32_t effective = bs->weight();
            if (pool.slow_start_ms() && rt.upSinceMicros.load() > 0)
                effective = health::slowStartWeight(
                    effective, std::chrono::milliseconds((monoMicros() - rt.upSinceMicros.load()) / 1000),
                    std::chrono::milliseconds(pool.slow_start_ms()));
            bs->set_effective_weight(effective);
            bs->set_state(snap->state(pool.name(), b.name()));
            bs->set_max_connections(b.max_connections());
            const HealthState h = rt.healthState();
            const bool passiveDown = rt.passiveDownUntilMicros.load() > monoMicros();
            bs->set_health(h == HealthState::Down || passiveDown ? v1::DOWN
                           : h == HealthState::Up                ? v1::UP
                                                                 : v1::HEALTH_UNKNOWN);
            if (bs->health() != v1::DOWN)
                ++up;
            {
                std::lock_guard lock(rt.mutex);
                bs->set_last_check(passiveDown ? "passive: too many failures" : rt.lastCheck);
                bs->set_last_check_wall_us(rt.lastCheckWallMicros);
            }
            const uint64_t requests = rt.requests.load(std::memory_order_relaxed);
            bs->set_requests_total(requests);
            bs->set_requests_per_second(m_impl->rate(&rt, requests));
            poolRate += bs->requests_per_second();
            bs->set_active_connections(rt.active.load() - std::min(rt.active.load(), rt.idle.load()));
            bs->set_idle_connections(rt.idle.load());
            bs->set_responses_1xx(rt.responses[1].load());
            bs->set_responses_2xx(rt.responses[2].load());
            bs->set_responses_3xx(rt.responses[3].load());
            bs->set_responses_4xx(rt.responses[4].load());
            bs->set_responses_5xx(rt.responses[5].load());
            if (pool.has_tls()) {
                bs->set_tls_handshakes_total(rt.tlsHandshakes.load(std::memory_order_relaxed));
                bs->set_tls_resumed_total(rt.tlsResumed.load(std::memory_order_relaxed));
            }
            for (size_t kind = 0; kind < stats::kBackendErrorKinds; ++kind)
                if (const uint64_t v = rt.errors[kind].load(std::memory_order_relaxed)) {
                    auto *c = bs->add_errors();
                    c->set_name(stats::kBackendErrorNames[kind]);
                    c->set_value(v);
                }
            bs->set_bytes_in(rt.bytesIn.load());
            bs->set_bytes_out(rt.bytesOut.load());
            bs->set_retries(rt.retries.load());
            const auto counts = rt.latency.snapshot();
            bs->set_latency_p50_ms(stats::LatencyHistogram::quantileOf(counts, 0.50) / 1000.0);
            bs->set_latency_p90_ms(stats::LatencyHistogram::quantileOf(counts, 0.90) / 1000.0);
            bs->set_latency_p99_ms(stats::LatencyHistogram::quantileOf(counts, 0.99) / 1000.0);
            bs->set_latency_p999_ms(stats::LatencyHistogram::quantileOf(counts, 0.999) / 1000.0);
            auto *hist = bs->mutable_latency();
            uint64_t total = 0;
            for (int i = 0; i < stats::LatencyHistogram::kBuckets; ++i)
                if (counts[size_t(i)]) {
                    hist->add_upper_bound_ms(double(stats::LatencyHistogram::upperBoundMicros(i)) / 1000.0);
                    hist->add_count(counts[size_t(i)]);
                    total += counts[size_t(i)];
                }
            hist->set_total(total);
            hist->set_sum_ms(double(rt.latency.sumMicros()) / 1000.0);
        }
        ps->set_backends_up(up);
        ps->set_requests_per_second(poolRate);
    }
    for (const auto &l : snap->cluster->listener()) {
        ListenerRuntime &rt = m_impl->registry.listener(l.name(), l.bind());
        auto *ls = status.add_listeners();
        ls->set_name(l.name());
        ls->set_bind(l.bind());
        ls->set_protocol(l.protocol());
        ls->set_listening(rt.listening.load());
        ls->set_accepted_total(rt.accepted.load());
        ls->set_handed_over_total(rt.handedOver.load());
        ls->set_active_connections(rt.active.load());
        ls->set_requests_total(rt.requests.load());
        ls->set_requests_per_second(m_impl->rate(&rt, rt.requests.load()));
        for (size_t i = 0; i < stats::kRejectKinds; ++i)
            if (const uint64_t v = rt.rejected[i].load()) {
                auto *c = ls->add_rejected();
                c->set_name(std::to_string(stats::kRejectStatuses[i]));
                c->set_value(v);
            }
        ls->set_h2_connections_active(rt.h2Active.load());
        ls->set_h2_streams_active(rt.h2Streams.load());
        ls->set_h2_streams_total(rt.h2StreamsTotal.load());
        ls->set_h2_resets_received_total(rt.h2ResetsReceived.load());
        for (size_t i = 0; i < stats::kGoawayKinds; ++i)
            if (const uint64_t v = rt.h2Goaway[i].load()) {
                auto *c = ls->add_h2_goaway_sent();
                c->set_name(stats::kGoawayReasons[i]);
                c->set_value(v);
            }
        if (l.has_tls())
            fillTlsStatus(rt, *ls->mutable_tls());
    }
}

bool ProxyEngine::canServe() const
{
    const auto snap = m_impl->store.current();
    if (!m_impl->started)
        return snap->cluster->listener_size() == 0;
    auto poolUp = [&](const std::string &name) {
        const v1::Pool *pool = snap->pool(name);
        if (!pool)
            return false;
        for (const auto &b : pool->backend()) {
            BackendRuntime &rt = m_impl->registry.backend(pool->name(), b.name(), b.address());
            if (snap->weight(name, b) > 0 && snap->state(name, b.name()) == v1::READY &&
                rt.healthState() != HealthState::Down)
                return true;
        }
        return false;
    };
    if (m_impl->liveness && !m_impl->liveness->servingLive())
        return false; // a listener bound by a stuck worker serves nothing
    for (const auto &l : snap->cluster->listener()) {
        if (!m_impl->registry.listener(l.name(), l.bind()).listening.load())
            return false;
        if (l.protocol() == v1::TCP && !poolUp(l.pool()))
            return false;
        for (const auto &r : l.route())
            if (!r.pool().empty() && !poolUp(r.pool()))
                return false;
    }
    return true;
}

void ProxyEngine::reopenLogs()
{
    m_impl->registry.forEachAccessLog([](AccessLogFile &file) {
        if (auto ok = file.reopen(); !ok)
            log::error("proxy", ok.error());
        else
            log::info("proxy", "access log reopened path=" + file.path());
    });
}

} // namespace hafront::proxy
