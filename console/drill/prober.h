// Prober: probes a service at a fixed rate from its own thread, each probe on
// a NEW connection (HTTP GET, or a bare TCP connect), and records send time,
// latency, result and the answering node (X-Served-By). Bounded in time.
#pragma once

#include "base/result.h"
#include "config/address.h"
#include "drill/probe.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hafront::drill {

struct ProbeTarget {
    bool http = true;        // false: TCP connect only
    config::Address address; // IPv4 or IPv6
    uint16_t port = 80;
    std::string hostHeader; // "A.B.C.D[:port]" or "[v6][:port]"
    std::string path = "/";

    // "http://A.B.C.D[:PORT][/path]", "http://[V6][:PORT][/path]",
    // "tcp://A.B.C.D:PORT" or "tcp://[V6]:PORT"
    static Result<ProbeTarget> parse(const std::string &url);
    std::string url() const;
};

class Prober {
public:
    struct Options {
        ProbeTarget target;
        double rateHz = 200;
        int timeoutMs = 500;        // a slower answer is a failure
        int maxDurationMs = 120000; // hard bound, even if nobody calls stop()
        // Addresses allowed besides loopback (127.0.0.0/8, ::1) and the lab
        // networks (192.0.2.0/24, 2001:db8::/32).
        std::vector<config::Address> allowed;
    };

    explicit Prober(Options options);
    ~Prober();
    Prober(const Prober &) = delete;
    Prober &operator=(const Prober &) = delete;

    Status start();
    // Stops sending; probes in flight get their answer or their timeout.
    void stop();
    bool running() const { return m_running.load(); }

    std::vector<ProbeResult> takeNew(); // finished since the last call
    std::vector<ProbeResult> results() const;

private:
    void run();

    Options m_options;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_running{false};
    mutable std::mutex m_mutex;
    std::vector<ProbeResult> m_results;
    size_t m_taken = 0;
};

} // namespace hafront::drill
