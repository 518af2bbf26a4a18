// The values in force for fields the config may omit. Every component reads
// defaults through these functions so that one place decides them.
#pragma once

#include "hafront/v1/cluster.pb.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace hafront::config {

inline constexpr uint32_t kMaxWeight = 1000;
inline constexpr const char *kDefaultControlSocket = "/run/hafront/agent.sock";
inline constexpr const char *kDefaultStateDir = "/var/lib/hafront";

inline uint32_t weightOf(const v1::Backend &b)
{
    return b.has_weight() ? b.weight() : 1;
}
inline uint32_t advertIntervalMs(const v1::Vip &v)
{
    return v.advert_interval_ms() ? v.advert_interval_ms() : 1000;
}
inline bool preemptOf(const v1::Vip &v)
{
    return v.has_preempt() ? v.preempt() : true;
}

inline uint32_t intervalMs(const v1::HealthCheck &h)
{
    return h.interval_ms() ? h.interval_ms() : 1000;
}
inline uint32_t timeoutMs(const v1::HealthCheck &h)
{
    return h.timeout_ms() ? h.timeout_ms() : std::min<uint32_t>(intervalMs(h), 1000);
}
inline uint32_t riseOf(const v1::HealthCheck &h)
{
    return h.has_rise() ? h.rise() : 2;
}
inline uint32_t fallOf(const v1::HealthCheck &h)
{
    return h.has_fall() ? h.fall() : 3;
}
inline std::string httpPathOf(const v1::HttpCheck &c)
{
    return c.path().empty() ? "/" : c.path();
}
inline uint32_t expectStatusOf(const v1::HttpCheck &c)
{
    return c.expect_status() ? c.expect_status() : 200;
}

inline uint32_t intervalMs(const v1::TrackScript &t)
{
    return t.interval_ms() ? t.interval_ms() : 1000;
}
inline uint32_t timeoutMs(const v1::TrackScript &t)
{
    return t.timeout_ms() ? t.timeout_ms() : intervalMs(t);
}
inline uint32_t riseOf(const v1::TrackScript &t)
{
    return t.has_rise() ? t.rise() : 1;
}
inline uint32_t fallOf(const v1::TrackScript &t)
{
    return t.has_fall() ? t.fall() : 1;
}
inline int32_t weightOf(const v1::TrackFile &t)
{
    return t.weight() ? t.weight() : 1;
}
inline bool selfTrackEnabled(const v1::Vip &v)
{
    return v.self_track().has_enabled() ? v.self_track().enabled() : true;
}
inline int32_t selfTrackWeight(const v1::Vip &v)
{
    return v.self_track().weight() ? v.self_track().weight() : -100;
}

inline bool verifyOf(const v1::PoolTls &t)
{
    return t.has_verify() ? t.verify() : true;
}
inline uint32_t connectTimeoutMs(const v1::Pool &p)
{
    return p.connect_timeout_ms() ? p.connect_timeout_ms() : 1000;
}
inline uint32_t readTimeoutMs(const v1::Pool &p)
{
    return p.read_timeout_ms() ? p.read_timeout_ms() : 30000;
}
inline uint32_t sendTimeoutMs(const v1::Pool &p)
{
    return p.send_timeout_ms() ? p.send_timeout_ms() : 30000;
}
inline uint32_t retriesOf(const v1::Pool &p)
{
    return p.has_retries() ? p.retries() : 2;
}
inline uint32_t keepaliveOf(const v1::Pool &p)
{
    return p.keepalive() ? p.keepalive() : 64;
}
inline uint32_t idleTimeoutMs(const v1::Pool &p)
{
    return p.idle_timeout_ms() ? p.idle_timeout_ms() : 600000;
}
inline uint32_t failWindowMs(const v1::PassiveHealth &p)
{
    return p.fail_window_ms() ? p.fail_window_ms() : 10000;
}
inline uint32_t failTimeoutMs(const v1::PassiveHealth &p)
{
    return p.fail_timeout_ms() ? p.fail_timeout_ms() : 10000;
}

inline uint64_t maxBodyBytes(const v1::Listener &l)
{
    return l.max_body_bytes() ? l.max_body_bytes() : 10ull << 20;
}
inline uint32_t maxHeaderBytes(const v1::Listener &l)
{
    return l.max_header_bytes() ? l.max_header_bytes() : 16u << 10;
}
inline uint32_t headerTimeoutMs(const v1::Listener &l)
{
    return l.header_timeout_ms() ? l.header_timeout_ms() : 10000;
}
inline uint32_t idleTimeoutMs(const v1::Listener &l)
{
    return l.idle_timeout_ms() ? l.idle_timeout_ms() : 60000;
}
inline bool http2Enabled(const v1::Listener &l)
{
    return l.http2().enabled();
}
inline uint32_t http2MaxStreams(const v1::Listener &l)
{
    return l.http2().max_concurrent_streams() ? l.http2().max_concurrent_streams() : 128;
}
inline uint32_t http2MaxHeaderListBytes(const v1::Listener &l)
{
    return l.http2().max_header_list_bytes() ? l.http2().max_header_list_bytes() : 65536;
}
inline uint32_t http2InitialWindow(const v1::Listener &l)
{
    return l.http2().initial_window_bytes() ? l.http2().initial_window_bytes() : 65535;
}
inline uint32_t http2MaxFrameBytes(const v1::Listener &l)
{
    return l.http2().max_frame_bytes() ? l.http2().max_frame_bytes() : 16384;
}
inline uint32_t http2IdleTimeoutMs(const v1::Listener &l)
{
    return l.http2().idle_timeout_ms() ? l.http2().idle_timeout_ms() : 60000;
}
inline uint32_t http2MaxConnectionBufferBytes(const v1::Listener &l)
{
    return l.http2().max_connection_buffer_bytes() ? l.http2().max_connection_buffer_bytes() : 4u << 20;
}
inline std::string indexOf(const v1::Route &r)
{
    return r.index().empty() ? "index.html" : r.index();
}

inline uint32_t statusPeriodMs(const v1::Cluster &c)
{
    return c.settings().status_period_ms() ? c.settings().status_period_ms() : 250;
}
inline bool yieldWhenBusy(const v1::Cluster &c)
{
    return c.settings().yield_when_busy();
}

inline bool balanceConnections(const v1::Cluster &c)
{
    return !c.settings().has_balance_connections() || c.settings().balance_connections();
}

inline constexpr uint32_t kMinStallTimeoutMs = 1500;
inline uint32_t stallTimeoutMs(const v1::Cluster &c)
{
    return c.settings().stall_timeout_ms() ? c.settings().stall_timeout_ms() : 2000;
}
inline uint32_t drainTimeoutMs(const v1::Cluster &c)
{
    return c.settings().drain_timeout_ms() ? c.settings().drain_timeout_ms() : 10000;
}
inline std::string controlSocketOf(const v1::Node &n)
{
    return n.control_socket().empty() ? kDefaultControlSocket : n.control_socket();
}
inline std::string stateDirOf(const v1::Cluster &c, const v1::Node &n)
{
    if (!n.state_dir().empty())
        return n.state_dir();
    return c.settings().state_dir().empty() ? kDefaultStateDir : c.settings().state_dir();
}
inline uint32_t sshPortOf(const v1::Ssh &s)
{
    return s.port() ? s.port() : 22;
}

} // namespace hafront::config
