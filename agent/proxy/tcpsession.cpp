#include "proxy/tcpsession.h"

#include "config/defaults.h"
#include "proxy/transport.h"
#include "proxy/worker.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hafront::proxy {
namespace {

struct Pair;

struct Side : IoHandle {
    std::shared_ptr<Pair> pair;
    bool client = false;
    void onEvent(uint32_t events) override;
    void onTimer(int64_t now) override;
};

struct Pair {
    Worker *worker = nullptr;
    BackendRuntime *backend = nullptr;
    ListenerRuntime *listener = nullptr;
    Side *client = nullptr, *upstream = nullptr;
    OutBuffer toClient, toUpstream;
    bool clientEof = false, upstreamEof = false;
    bool clientShut = false, upstreamShut = false;
    bool connecting = true;
    bool closed = false;
    int64_t idleMicros = 600'000'000;

    Side *peer(Side *s) { return s == client ? upstream : client; }
    OutBuffer &outOf(Side *s) { return s == client ? toClient : toUpstream; }

    void close()
    {
        if (closed)
            return;
        closed = true;
        backend->active.fetch_sub(1, std::memory_order_relaxed);
        listener->active.fetch_sub(1, std::memory_order_relaxed);
        Side *c = client, *u = upstream;
        client = upstream = nullptr;
        worker->destroy(c); // the handles' shared_ptrs keep the pair alive until deleted
        worker->destroy(u);
    }

    void touch()
    {
        const int64_t d = worker->now() + idleMicros;
        client->deadlineMicros = d;
        upstream->deadlineMicros = d;
    }

    void interest()
    {
        if (closed)
            return;
        for (Side *s : {client, upstream}) {
            const bool eof = s == client ? clientEof : upstreamEof;
            // Level-triggered: a half-close seen once stays reported, so RDHUP
            // goes with it, or the worker spins (and touch() keeps the idle
            // timeout away) until the other side ends as well.
            uint32_t want = eof ? 0u : uint32_t(EPOLLRDHUP);
            // Stop reading a side whose peer is backed up (backpressure).
            if (!eof && !(s == upstream && connecting) && outOf(peer(s)).pending() < (1u << 20))
                want |= EPOLLIN;
            if (outOf(s).pending() || (s == upstream && connecting))
                want |= EPOLLOUT;
            worker->modify(s, want);
        }
    }

    void flush(Side *s)
    {
        if (s == upstream && connecting)
            return;
        SocketTransport transport(s->fd);
        if (!outOf(s).flushTo(transport))
            return close();
        // Half-close: once everything from an ended side is delivered, end the other way too.
        const bool srcEof = s == client ? upstreamEof : clientEof;
        bool &shut = s == client ? clientShut : upstreamShut;
        if (srcEof && !shut && outOf(s).pending() == 0) {
            ::shutdown(s->fd, SHUT_WR);
            shut = true;
        }
        if (clientEof && upstreamEof && toClient.pending() == 0 && toUpstream.pending() == 0)
            close();
    }
};

void Side::onEvent(uint32_t events)
{
    auto p = pair; // keep alive through close()
    if (p->closed)
        return;
    if (!client && p->connecting && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            p->backend->countError(stats::BackendError::Connect);
            p->worker->noteBackendFailure(*p->backend);
            return p->close();
        }
        p->connecting = false;
    }
    if ((client ? p->clientEof : p->upstreamEof) && events & (EPOLLHUP | EPOLLERR))
        return p->close(); // ended, then reset: HUP and ERR cannot be masked, and nothing more can pass
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
        char buf[65536];
        for (int i = 0; i < 4; ++i) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n > 0) {
                p->outOf(p->peer(this)).append(std::string_view(buf, static_cast<size_t>(n)));
                (client ? p->backend->bytesOut : p->backend->bytesIn).fetch_add(uint64_t(n), std::memory_order_relaxed);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            if (n < 0 && errno != ECONNRESET)
                return p->close();
            (client ? p->clientEof : p->upstreamEof) = true;
            break;
        }
        p->touch();
        p->flush(p->peer(this));
        if (p->closed)
            return;
    }
    p->flush(this);
    p->interest();
}

void Side::onTimer(int64_t now)
{
    if (deadlineMicros && now >= deadlineMicros)
        pair->close(); // idle timeout
}

} // namespace

void TcpSession::start(Worker &worker, int clientFd, size_t listenerIndex)
{
    const auto &view = worker.view();
    ListenerView &listener = view->listeners[listenerIndex];
    PoolView *pool = listener.pool;
    const int64_t now = worker.refreshNow();
    std::vector<int> tried;
    for (uint32_t attempt = 0; pool && attempt <= config::retriesOf(*pool->config); ++attempt) {
        const int index = pool->pick(0, tried, now);
        if (index < 0)
            break;
        tried.push_back(index);
        BackendRuntime &backend = *pool->backends[size_t(index)].rt;
        const int fd = ::socket(backend.addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int rc = ::connect(fd, backend.addr.get(), backend.addr.length);
        if (rc != 0 && errno != EINPROGRESS) {
            ::close(fd);
            backend.countError(stats::BackendError::Connect);
            continue;
        }
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto pair = std::make_shared<Pair>();
        pair->worker = &worker;
        pair->backend = &backend;
        pair->listener = listener.rt;
        pair->connecting = rc != 0;
        pair->idleMicros = int64_t(config::idleTimeoutMs(*pool->config)) * 1000;
        auto *c = new Side;
        c->fd = clientFd;
        c->client = true;
        c->clientConnection = true;
        c->pair = pair;
        auto *u = new Side;
        u->fd = fd;
        u->pair = pair;
        pair->client = c;
        pair->upstream = u;
        backend.active.fetch_add(1, std::memory_order_relaxed);
        backend.requests.fetch_add(1, std::memory_order_relaxed);
        listener.rt->active.fetch_add(1, std::memory_order_relaxed);
        listener.rt->requests.fetch_add(1, std::memory_order_relaxed);
        worker.add(c, EPOLLRDHUP);
        worker.add(u, EPOLLOUT | EPOLLRDHUP);
        pair->touch();
        pair->interest();
        return;
    }
    listener.rt->countReject(503);
    ::close(clientFd); // no backend: refuse the connection
}

} // namespace hafront::proxy
