// SessionHost: what a client session and an upstream connection need from the
// loop that runs them — the clock, the config view, epoll interest, upstream
// connections. The worker is the one in production; tests and the fuzz
// harness drive sessions with their own.
#pragma once

#include "proxy/backendruntime.h"
#include "proxy/iohandle.h"
#include "proxy/poolview.h"

#include <cstdint>
#include <memory>
#include <string>

namespace hafront::proxy {

class UpstreamConnection;

class SessionHost {
public:
    virtual ~SessionHost() = default;
    virtual int64_t now() const = 0;
    virtual int64_t refreshNow() = 0;
    virtual const std::shared_ptr<ClusterView> &view() const = 0;
    virtual const std::string &node() const = 0;
    virtual void add(IoHandle *handle, uint32_t events) = 0;
    virtual void modify(IoHandle *handle, uint32_t events) = 0;
    virtual void destroy(IoHandle *handle) = 0; // closes now, deletes after the batch
    // `handle` stopped reading while its transport still holds input
    // (Transport::pending): call its onEvent(EPOLLIN) again before waiting.
    virtual void readAgain(IoHandle *handle) = 0;
    // `next` takes over the socket of `old` (a TLS handshake hands its connection
    // to the codec ALPN chose); `old` is deleted after the batch, the fd stays open.
    virtual void replace(IoHandle *old, IoHandle *next, uint32_t events) = 0;
    virtual UpstreamConnection *acquireUpstream(BackendRuntime &backend, std::string &error) = 0;
    virtual void releaseUpstream(UpstreamConnection *connection) = 0; // to the idle pool
    virtual void noteBackendFailure(BackendRuntime &backend) = 0;     // passive health
};

} // namespace hafront::proxy
