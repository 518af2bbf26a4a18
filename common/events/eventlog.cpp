#include "events/eventlog.h"

#include "base/log.h"

#include <algorithm>

namespace hafront::events {
namespace {

// The event as log fields: seq and node, the fields that say what moved (in
// this order), the rest by name, and the prose last.
log::Fields logFields(const v1::Event &event)
{
    static const char *const kLeading[] = {"vip", "pool", "backend", "from", "to", "reason"};
    log::Fields out{{"seq", std::to_string(event.seq())}, {"node", event.node()}};
    const std::map<std::string, std::string> fields(event.fields().begin(), event.fields().end());
    for (const char *key : kLeading)
        if (const auto it = fields.find(key); it != fields.end())
            out.emplace_back(it->first, it->second);
    for (const auto &[key, value] : fields)
        if (std::find(std::begin(kLeading), std::end(kLeading), key) == std::end(kLeading) && key != "seq" &&
            key != "node" && key != "msg")
            out.emplace_back(key, value);
    out.emplace_back("msg", event.message());
    return out;
}

} // namespace

EventLog::EventLog(std::string node, size_t capacity) : m_node(std::move(node)), m_capacity(capacity) {}

v1::Event EventLog::record(v1::EventKind kind, std::string subject, std::string message,
                           std::map<std::string, std::string> fields, int64_t wallMicros, int64_t monoMicros)
{
    v1::Event event;
    event.set_kind(kind);
    event.set_node(m_node);
    event.set_subject(std::move(subject));
    event.set_message(std::move(message));
    event.set_wall_time_us(wallMicros);
    event.set_mono_time_us(monoMicros);
    for (auto &[k, v] : fields)
        (*event.mutable_fields())[k] = v;

    // Listeners see events in seq order, whichever threads record them: the
    // delivery lock spans numbering and delivery (listeners must not record).
    std::lock_guard delivery(m_deliveryMutex);
    std::vector<Listener> listeners;
    {
        std::lock_guard lock(m_mutex);
        event.set_seq(++m_seq);
        m_ring.push_back(event);
        while (m_ring.size() > m_capacity)
            m_ring.pop_front();
        listeners.reserve(m_listeners.size());
        for (const auto &[id, l] : m_listeners)
            listeners.push_back(l);
    }
    log::event(log::Level::Info, kindName(kind), logFields(event));
    for (const auto &l : listeners)
        l(event);
    return event;
}

std::vector<v1::Event> EventLog::last(size_t n) const
{
    std::lock_guard lock(m_mutex);
    const size_t from = m_ring.size() > n ? m_ring.size() - n : 0;
    return {m_ring.begin() + static_cast<long>(from), m_ring.end()};
}

std::vector<v1::Event> EventLog::since(uint64_t seq) const
{
    std::lock_guard lock(m_mutex);
    std::vector<v1::Event> out;
    for (const auto &e : m_ring)
        if (e.seq() > seq)
            out.push_back(e);
    return out;
}

uint64_t EventLog::lastSeq() const
{
    std::lock_guard lock(m_mutex);
    return m_seq;
}

int EventLog::addListener(Listener listener)
{
    std::lock_guard lock(m_mutex);
    const int id = m_nextListenerId++;
    m_listeners.emplace(id, std::move(listener));
    return id;
}

void EventLog::removeListener(int id)
{
    std::lock_guard lock(m_mutex);
    m_listeners.erase(id);
}

const char *kindName(v1::EventKind kind)
{
    switch (kind) {
    case v1::VIP_STATE:
        return "vip_state";
    case v1::VIP_ADDRESS:
        return "vip_address";
    case v1::VIP_OVERRIDE:
        return "vip_override";
    case v1::SPLIT_BRAIN:
        return "split_brain";
    case v1::TRACKER:
        return "tracker";
    case v1::BACKEND_HEALTH:
        return "backend_health";
    case v1::BACKEND_CHANGE:
        return "backend_change";
    case v1::CONFIG:
        return "config";
    case v1::AGENT:
        return "agent";
    case v1::COMMAND:
        return "command";
    default:
        return "event";
    }
}

} // namespace hafront::events
