#include "proxy/worker.h"

#include "balance/connectionbalance.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/threadname.h"
#include "config/address.h"
#include "config/defaults.h"
#include "proxy/http1session.h"
#include "proxy/http2session.h"
#include "proxy/tcpsession.h"
#include "proxy/tlstransport.h"
#include "proxy/upstreamconnection.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hafront::proxy {

struct Worker::Listener : IoHandle {
    Worker *worker = nullptr;
    size_t index = 0;
    bool tcp = false;
    void onEvent(uint32_t) override { worker->acceptFrom(*this); }
};

namespace {
constexpr int64_t kSurplusIdleMicros = 5'000'000; // HAProxy's pool-purge-delay

void setNoDelay(int fd)
{
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}
} // namespace

Worker::Worker(int index, config::SnapshotStore &store, RuntimeRegistry &registry)
    : m_index(index), m_store(store), m_registry(registry)
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr; // the wake fd
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
    refreshNow();
    refreshView();
    m_node = m_view->snapshot->node;
}

Worker::~Worker()
{
    join();
    for (auto *h : m_handles)
        if (!h->dead) {
            ::close(h->fd);
            delete h;
        }
    for (auto *h : m_graveyard)
        delete h;
    for (const Accepted &a : m_mailbox) // handed over after this worker stopped
        ::close(a.fd);
    for (auto &l : m_listeners)
        if (l->fd >= 0)
            ::close(l->fd);
    ::close(m_wake);
    ::close(m_epoll);
}

int64_t Worker::refreshNow()
{
    m_now = monoMicros();
    return m_now;
}

void Worker::refreshView()
{
    const uint64_t generation = m_store.generation();
    if (generation == m_viewGeneration && m_view)
        return;
    m_view = ClusterView::build(m_store.current(), m_registry);
    m_viewGeneration = m_view->snapshot->generation;
    m_yield.setEnabled(m_view->yieldWhenBusy);
}

Status Worker::bindListeners()
{
    for (size_t i = 0; i < m_view->listeners.size(); ++i) {
        const auto &cfg = *m_view->listeners[i].config;
        const auto ep = config::parseEndpoint(cfg.bind());
        const SocketAddress addr = SocketAddress::of(*ep);
        const int fd = ::socket(addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        // The VIP may not be on this node yet: bind it anyway and serve once it
        // arrives (IP_FREEBIND covers IPv6 sockets too, as IPV6_FREEBIND does).
        ::setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
        // "[::]:443" is IPv6 only whatever net.ipv6.bindv6only says, so it can
        // sit beside "0.0.0.0:443" and clients never show up as ::ffff:A.B.C.D.
        if (ep->v6)
            ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (::bind(fd, addr.get(), addr.length) != 0 || ::listen(fd, 4096) != 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            return fail("listener " + cfg.name() + ": cannot bind " + cfg.bind() + ": " + why);
        }
        auto l = std::make_unique<Listener>();
        l->fd = fd;
        l->worker = this;
        l->index = i;
        l->tcp = cfg.protocol() == v1::TCP;
        m_view->listeners[i].rt->listening.store(true, std::memory_order_relaxed);
        m_listeners.push_back(std::move(l));
    }
    return {};
}

void Worker::start(Heartbeat *heartbeat)
{
    m_heartbeat = heartbeat;
    for (auto &l : m_listeners) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = l.get();
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, l->fd, &ev);
    }
    m_thread = std::thread([this] {
        nameThisThread("hf-proxy-" + std::to_string(m_index));
        run();
    });
}

void Worker::requestStop(int64_t deadlineMicros)
{
    m_stopDeadline.store(deadlineMicros);
    m_stopping.store(true);
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake, &one, sizeof one);
}

void Worker::join()
{
    if (m_thread.joinable())
        m_thread.join();
}

void Worker::add(IoHandle *h, uint32_t events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = h;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, h->fd, &ev);
    m_handles.push_back(h);
    if (h->clientConnection)
        m_clients.fetch_add(1, std::memory_order_relaxed);
}

void Worker::modify(IoHandle *h, uint32_t events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = h;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, h->fd, &ev);
}

void Worker::destroy(IoHandle *h)
{
    if (h->dead)
        return;
    h->dead = true;
    if (h->clientConnection)
        m_clients.fetch_sub(1, std::memory_order_relaxed);
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, h->fd, nullptr);
    ::close(h->fd);
    m_graveyard.push_back(h);
}

void Worker::readAgain(IoHandle *h)
{
    if (std::find(m_readAgain.begin(), m_readAgain.end(), h) == m_readAgain.end())
        m_readAgain.push_back(h);
}

void Worker::replace(IoHandle *old, IoHandle *next, uint32_t events)
{
    next->fd = old->fd;
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = next;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, next->fd, &ev);
    m_handles.push_back(next);
    old->dead = true; // a pending event of this batch for it is skipped
    m_graveyard.push_back(old);
    m_clients.fetch_add(int(next->clientConnection) - int(old->clientConnection), std::memory_order_relaxed);
}

void Worker::noteBackendFailure(BackendRuntime &b)
{
    std::lock_guard lock(b.mutex);
    if (b.passive && b.passive->recordFailure(health::Clock::now()))
        b.passiveDownUntilMicros.store(m_now + 10'000'000, std::memory_order_relaxed);
}

UpstreamConnection *Worker::acquireUpstream(BackendRuntime &backend, std::string &error)
{
    const v1::Pool *pool = m_view->snapshot->pool(backend.pool);
    const bool tls = pool && pool->has_tls();
    auto &idle = m_idle[&backend];
    while (!idle.empty()) {
        UpstreamConnection *c = idle.back();
        idle.pop_back();
        backend.idle.fetch_sub(1, std::memory_order_relaxed);
        if (!c->dead && c->tls() == tls)
            return c;
        if (!c->dead) // a reload turned the pool's TLS on or off
            c->close();
    }
    std::shared_ptr<const TlsClientContext> context = tls ? backend.tls.get() : nullptr;
    if (tls && !context) { // its files did not load (the tls event says why): never fall back to plain
        error = "tls: no client context for pool " + backend.pool;
        return nullptr;
    }
    const int fd = ::socket(backend.addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::strerror(errno);
        return nullptr;
    }
    setNoDelay(fd);
    const int rc = ::connect(fd, backend.addr.get(), backend.addr.length);
    if (rc != 0 && errno != EINPROGRESS) {
        error = std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    SSL *ssl = context ? context->newSsl(fd, backend.addr, &m_tlsSessions[&backend]) : nullptr;
    if (context && !ssl) {
        error = "tls: OpenSSL could not set up a connection";
        ::close(fd);
        return nullptr;
    }
    auto *c = new UpstreamConnection(*this, backend, fd, rc != 0);
    if (ssl)
        c->startTls(std::make_unique<TlsTransport>(ssl, std::move(context)));
    add(c, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
    return c;
}

void Worker::releaseUpstream(UpstreamConnection *c)
{
    auto &idle = m_idle[&c->backend()];
    const auto &pool = m_view->snapshot->pool(c->backend().pool);
    const size_t keep = pool ? config::keepaliveOf(*pool) : 64;
    // Idle upstream connections expire after a minute; those beyond keepalive
    // after kSurplusIdleMicros, as HAProxy purges its surplus. Closed at once,
    // they had to be opened again at the next burst: h2load -c50 -m10 made 730
    // new backend connections a second, each queued behind the backend's accept.
    c->deadlineMicros = m_now + (idle.size() >= keep ? kSurplusIdleMicros : 60'000'000);
    idle.push_back(c);
    c->backend().idle.fetch_add(1, std::memory_order_relaxed);
}

void Worker::acceptFrom(Listener &l)
{
    for (int i = 0; i < 64; ++i) {
        sockaddr_storage peer{};
        socklen_t len = sizeof peer;
        const int fd = ::accept4(l.fd, reinterpret_cast<sockaddr *>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        m_view->listeners[l.index].rt->accepted.fetch_add(1, std::memory_order_relaxed);
        const Accepted a{fd, l.index, m_view->listeners[l.index].rt, l.tcp, addressOf(peer)};
        int target = m_index;
        if (m_view->balanceConnections && m_siblings.size() > 1) {
            m_loadScratch.clear();
            for (const Worker *w : m_siblings)
                m_loadScratch.push_back(w->load());
            target = balance::connectionTarget(m_index, m_loadScratch);
        }
        if (target == m_index)
            startSession(a);
        else {
            m_view->listeners[l.index].rt->handedOver.fetch_add(1, std::memory_order_relaxed);
            m_siblings[size_t(target)]->handOver(a);
        }
    }
}

void Worker::startSession(const Accepted &a)
{
    if (a.tcp) {
        setNoDelay(a.fd); // an HTTP session sets it at its second send (Http1Session::flushClient)
        TcpSession::start(*this, a.fd, a.listener);
    } else if (m_view->listeners[a.listener].config->has_tls()) {
        ListenerRuntime &rt = *m_view->listeners[a.listener].rt;
        const auto context = rt.tls.get();
        SSL *ssl = context ? context->newSsl(a.fd) : nullptr;
        if (!ssl) { // no certificate loaded (refused at start) or OpenSSL out of memory
            rt.tlsFailures[size_t(TlsFailure::Other)].fetch_add(1, std::memory_order_relaxed);
            ::close(a.fd);
            return;
        }
        const auto &cfg = *m_view->listeners[a.listener].config;
        auto *h = new TlsHandshake(*this, a.fd, a.listener, config::formatAddress(a.peer),
                                   std::make_unique<TlsTransport>(ssl, context),
                                   int64_t(config::headerTimeoutMs(cfg)) * 1000);
        add(h, TlsHandshake::kInitialInterest);
        h->onEvent(EPOLLIN);                                                  // the ClientHello is often here already
    } else if (config::http2Enabled(*m_view->listeners[a.listener].config)) { // h2c, prior knowledge
        auto *s = new Http2Session(*this, a.fd, a.listener, config::formatAddress(a.peer));
        add(s, Http2Session::kInitialInterest);
        s->start();
        if (!s->dead)
            s->onEvent(EPOLLIN);
    } else {
        auto *s = new Http1Session(*this, a.fd, a.listener, config::formatAddress(a.peer));
        add(s, Http1Session::kInitialInterest);
        s->onEvent(EPOLLIN); // the request is often here already: read it now
    }
}

int Worker::load() const
{
    if (m_stopping.load(std::memory_order_relaxed))
        return -1;
    return m_clients.load(std::memory_order_relaxed) + m_incoming.load(std::memory_order_relaxed);
}

void Worker::handOver(const Accepted &a)
{
    m_incoming.fetch_add(1, std::memory_order_relaxed);
    bool wasEmpty;
    {
        std::lock_guard lock(m_mailboxMutex);
        wasEmpty = m_mailbox.empty();
        m_mailbox.push_back(a);
    }
    if (wasEmpty) {
        uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(m_wake, &one, sizeof one);
    }
}

void Worker::takeHandovers()
{
    {
        std::lock_guard lock(m_mailboxMutex);
        m_mailboxTaken.swap(m_mailbox);
    }
    for (Accepted &a : m_mailboxTaken) {
        // The sender's view may be of another config generation: find the listener by its runtime.
        const auto &ls = m_view->listeners;
        if (a.listener >= ls.size() || ls[a.listener].rt != a.listenerRt)
            a.listener =
                size_t(std::find_if(ls.begin(), ls.end(), [&](const ListenerView &l) { return l.rt == a.listenerRt; }) -
                       ls.begin());
        if (a.listener < ls.size())
            startSession(a);
        else
            ::close(a.fd); // the listener is gone from this worker's config
        m_incoming.fetch_sub(1, std::memory_order_relaxed);
    }
    m_mailboxTaken.clear();
}

void Worker::sweep()
{
    // Access logs are written in blocks: at 64 KiB or at least every second.
    if (m_now - m_lastLogFlush >= 1'000'000) {
        m_lastLogFlush = m_now;
        for (const auto &l : m_view->listeners)
            if (l.accessLog)
                l.accessLog->flush();
    }
    // Drop what died, run deadlines, expire idle upstream connections.
    for (auto *h : m_handles)
        if (!h->dead && h->deadlineMicros && h->deadlineMicros <= m_now)
            h->onTimer(m_now);
    for (auto &[backend, list] : m_idle)
        for (auto it = list.begin(); it != list.end();)
            if ((*it)->dead) {
                backend->idle.fetch_sub(1, std::memory_order_relaxed);
                it = list.erase(it);
            } else {
                ++it;
            }
}

void Worker::run()
{
    epoll_event events[256];
    bool draining = false;
    int handled = 0;
    while (true) {
        refreshView();
        int n = 0;
        if (m_yield.shouldYield(handled)) {
            ::sched_yield();
            n = ::epoll_wait(m_epoll, events, 256, 0);
            m_yield.polled(n);
        }
        if (n == 0)
            n = ::epoll_wait(m_epoll, events, 256, m_readAgain.empty() ? 20 : 0);
        handled = n;
        refreshNow();
        if (m_heartbeat)
            m_heartbeat->beat(m_now);
        for (int i = 0; i < n; ++i) {
            auto *h = static_cast<IoHandle *>(events[i].data.ptr);
            if (!h) {
                uint64_t v;
                [[maybe_unused]] auto r = ::read(m_wake, &v, sizeof v);
                takeHandovers();
                continue;
            }
            if (!h->dead)
                h->onEvent(events[i].events);
        }
        // Input OpenSSL read ahead of the socket: no event will report it.
        // Handles that still hold some after this pass ask again for the next.
        m_readAgainTaken.swap(m_readAgain);
        for (IoHandle *h : m_readAgainTaken)
            if (!h->dead)
                h->onEvent(EPOLLIN);
        m_readAgainTaken.clear();
        if (m_now - m_lastSweep >= 10'000 || !m_graveyard.empty()) {
            if (m_now - m_lastSweep >= 10'000) {
                sweep();
                m_lastSweep = m_now;
            }
            if (!m_graveyard.empty()) {
                m_readAgain.erase(
                    std::remove_if(m_readAgain.begin(), m_readAgain.end(), [](IoHandle *h) { return h->dead; }),
                    m_readAgain.end());
                m_handles.erase(std::remove_if(m_handles.begin(), m_handles.end(), [](IoHandle *h) { return h->dead; }),
                                m_handles.end());
                for (auto &[backend, list] : m_idle) {
                    auto *b = backend; // clang 14: a lambda cannot capture a structured binding
                    list.erase(std::remove_if(list.begin(), list.end(),
                                              [b](UpstreamConnection *c) {
                                                  if (c->dead)
                                                      b->idle.fetch_sub(1, std::memory_order_relaxed);
                                                  return c->dead;
                                              }),
                               list.end());
                }
                for (auto *h : m_graveyard)
                    delete h;
                m_graveyard.clear();
            }
        }
        if (m_stopping.load()) {
            if (!draining) {
                draining = true;
                for (auto &l : m_listeners) {
                    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, l->fd, nullptr);
                    ::close(l->fd);
                    l->fd = -1;
                    m_view->listeners[l->index].rt->listening.store(false, std::memory_order_relaxed);
                }
            }
            bool busy = false;
            for (auto *h : m_handles) {
                if (h->dead)
                    continue;
                if (auto *s = dynamic_cast<Http1Session *>(h); s && s->busy()) {
                    busy = true;
                } else if (auto *s2 = dynamic_cast<Http2Session *>(h)) {
                    s2->drain(); // GOAWAY once; the open streams finish
                    busy = busy || (!s2->dead && s2->busy());
                }
            }
            if (!busy || m_now >= m_stopDeadline.load())
                break;
        }
    }
}

} // namespace hafront::proxy
