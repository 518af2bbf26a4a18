// EventLog: the node's events in order, each with a sequence number, kept in a
// bounded ring for history queries and handed to listeners as they happen.
// Thread-safe: the VRRP thread, proxy health checks and the control plane all emit.
#pragma once

#include "hafront/v1/control.pb.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hafront::events {

class EventLog {
public:
    using Listener = std::function<void(const v1::Event &)>;

    explicit EventLog(std::string node, size_t capacity = 1000);

    // Stamps seq and node, stores, logs a key=value line, tells listeners
    // (on the caller's thread). Returns the stored event.
    v1::Event record(v1::EventKind kind, std::string subject, std::string message,
                     std::map<std::string, std::string> fields, int64_t wallMicros, int64_t monoMicros);

    std::vector<v1::Event> last(size_t n) const;
    std::vector<v1::Event> since(uint64_t seq) const; // events with seq > `seq` still in the ring
    uint64_t lastSeq() const;

    int addListener(Listener listener); // returns an id for removeListener
    void removeListener(int id);

private:
    std::string m_node;
    size_t m_capacity;
    mutable std::mutex m_mutex;
    std::mutex m_deliveryMutex;
    std::deque<v1::Event> m_ring;
    uint64_t m_seq = 0;
    int m_nextListenerId = 1;
    std::map<int, Listener> m_listeners;
};

const char *kindName(v1::EventKind kind); // "vip_state", "backend_health", ...

} // namespace hafront::events
