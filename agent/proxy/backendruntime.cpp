#include "proxy/backendruntime.h"

#include "base/log.h"

#include "config/address.h"

#include <arpa/inet.h>

namespace hafront::proxy {

BackendRuntime &RuntimeRegistry::backend(const std::string &pool, const std::string &name, const std::string &address)
{
    std::lock_guard lock(m_mutex);
    auto &slot = m_backends[pool + "/" + name + "@" + address];
    if (!slot) {
        slot = std::make_unique<BackendRuntime>();
        slot->pool = pool;
        slot->name = name;
        slot->address = address;
        if (const auto ep = config::parseEndpoint(address))
            slot->addr = SocketAddress::of(*ep);
    }
    return *slot;
}

ListenerRuntime &RuntimeRegistry::listener(const std::string &name, const std::string &bind)
{
    std::lock_guard lock(m_mutex);
    auto &slot = m_listeners[name + "@" + bind];
    if (!slot) {
        slot = std::make_unique<ListenerRuntime>();
        slot->name = name;
        slot->bind = bind;
    }
    return *slot;
}

AccessLogFile *RuntimeRegistry::accessLog(const std::string &path, AccessLogFile::Format format)
{
    std::lock_guard lock(m_mutex);
    auto &slot = m_accessLogs[path];
    if (!slot) {
        auto file = std::make_unique<AccessLogFile>(path, format);
        if (auto ok = file->open(); !ok) {
            log::error("proxy", ok.error());
            return nullptr; // tried again at the next reload
        }
        slot = std::move(file);
    }
    return slot.get();
}

} // namespace hafront::proxy
