// ProxyHarness: the real HTTP/1 session, exchange and upstream connection
// code, driven without sockets or threads — in-memory transports for the
// client and the backends, a SessionHost with its own clock, and a loop that
// delivers readiness until nothing moves. Used by the session fuzz target and
// by tst_http1session.
#pragma once

#include "config/configloader.h"
#include "config/snapshotstore.h"
#include "proxy/http1session.h"
#include "proxy/http2session.h"
#include "proxy/poolview.h"
#include "proxy/sessionhost.h"
#include "proxy/transport.h"
#include "proxy/upstreamconnection.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hafront::proxy::testing {

// Bytes in, at most `readSize` per read; bytes out appended. As a backend,
// it holds each of its `answers` back until something was written to it
// since the previous one (a backend answers requests; it does not send first).
class MemoryTransport final : public Transport {
public:
    std::string incoming;
    size_t position = 0;
    size_t readSize = 65536;
    bool endAfterIncoming = false; // then reads report the peer's close
    std::deque<std::string> answers;
    size_t answeredUpTo = 0; // of `written`
    std::string written;
    size_t writeLimit = SIZE_MAX; // a peer that stops reading: writes past it would block
    bool shutDown = false;
    // Like TLS with read ahead: the first read empties "the socket", the rest
    // of `incoming` sits inside the transport (pending()) where no readiness
    // event reports it, and only SessionHost::readAgain gets it read.
    bool readAhead = false;

    IoResult read(char *buffer, size_t size) override
    {
        if (position == incoming.size() && !answers.empty() && written.size() > answeredUpTo) {
            incoming += answers.front();
            answers.pop_front();
            answeredUpTo = written.size();
        }
        if (position < incoming.size()) {
            const size_t n = std::min({size, readSize, incoming.size() - position});
            incoming.copy(buffer, n, position);
            position += n;
            return {Io::Done, n, 0};
        }
        return endAfterIncoming ? IoResult{Io::Closed, 0, 0} : IoResult{Io::Again, 0, 0};
    }
    IoResult write(const char *data, size_t size) override
    {
        if (written.size() >= writeLimit)
            return {Io::Again, 0, 0};
        size = std::min(size, writeLimit - written.size());
        written.append(data, size);
        return {Io::Done, size, 0};
    }
    IoResult sendFile(int fileFd, off_t &offset, size_t count) override
    {
        char buf[65536];
        const ssize_t n = ::pread(fileFd, buf, std::min(count, sizeof buf), offset);
        if (n <= 0)
            return {Io::Failed, 0, 0};
        written.append(buf, size_t(n));
        offset += n;
        return {Io::Done, size_t(n), 0};
    }
    void shutdownWrite() override { shutDown = true; }
    void setNoDelay() override {}
    bool pending() const override { return readAhead && position > 0 && position < incoming.size(); }
    // What level-triggered epoll would report as readable.
    bool hasInput() const
    {
        if (readAhead && position > 0)
            return endAfterIncoming && position == incoming.size();
        return position < incoming.size() || endAfterIncoming || (!answers.empty() && written.size() > answeredUpTo);
    }
};

class ProxyHarness final : public SessionHost {
public:
    // `config` is a cluster in protobuf text with node "n1".
    explicit ProxyHarness(const std::string &config)
    {
        auto loaded = config::loadClusterText(config, "harness.conf", "/");
        m_ok = loaded.ok();
        if (!m_ok)
            return;
        auto snapshot = std::make_shared<config::Snapshot>();
        snapshot->cluster = std::make_shared<const v1::Cluster>(std::move(loaded.cluster));
        snapshot->node = "n1";
        m_store = std::make_unique<config::SnapshotStore>(snapshot);
        m_view = ClusterView::build(m_store->current(), m_registry);
    }
    ~ProxyHarness() override
    {
        for (IoHandle *h : m_handles)
            delete h;
    }
    bool ok() const { return m_ok; }

    // What the backends answer: the n-th upstream connection opened gives the
    // n-th entry's answers, one per request it receives.
    std::deque<std::deque<std::string>> responses;
    std::vector<MemoryTransport *> upstreamTransports; // in the order opened
    bool backendsCloseAfterAnswers = false;            // a backend closes once it gave its answers (a killed one)
    bool clientReadAhead = false;         // the client's transport reads ahead (MemoryTransport::readAhead)
    size_t upstreamWriteLimit = SIZE_MAX; // of backends opened from now on (MemoryTransport::writeLimit)
    int upstreamsOpened = 0;

    // A client connection on listener `listenerIndex` that sends `bytes`, `readSize` at a time.
    Http1Session *connect(const std::string &bytes, size_t readSize, bool endAfter, size_t listenerIndex = 0)
    {
        auto transport = std::make_unique<MemoryTransport>();
        transport->incoming = bytes;
        transport->readSize = std::max<size_t>(1, readSize);
        transport->endAfterIncoming = endAfter;
        transport->readAhead = clientReadAhead;
        m_client = transport.get();
        m_transports.push_back(std::move(transport));
        auto *s = new Http1Session(*this, -1, listenerIndex, "192.0.2.50", m_client);
        add(s, Http1Session::kInitialInterest);
        m_session = s;
        return s;
    }
    // The same with an HTTP/2 session (prior knowledge): `bytes` are the client's frames.
    Http2Session *connect2(const std::string &bytes, size_t readSize, bool endAfter, size_t listenerIndex = 0)
    {
        auto transport = std::make_unique<MemoryTransport>();
        transport->incoming = bytes;
        transport->readSize = std::max<size_t>(1, readSize);
        transport->endAfterIncoming = endAfter;
        transport->readAhead = clientReadAhead;
        m_client = transport.get();
        m_transports.push_back(std::move(transport));
        auto *s = new Http2Session(*this, -1, listenerIndex, "192.0.2.50", m_client);
        add(s, Http2Session::kInitialInterest);
        m_session = s;
        s->start();
        return s;
    }
    MemoryTransport &client() { return *m_client; }
    void flushAccessLogs()
    {
        m_registry.forEachAccessLog([](AccessLogFile &f) { f.flush(); });
    }
    bool sessionAlive() const { return m_session && !m_session->dead; }

    // Delivers readiness while there is input; when there is none, lets time
    // pass by `tickMicros` so timeouts fire; ends when nothing is left to read
    // and no deadline is set, or after `maxTurns`. Returns the turns taken.
    // `quietTicks` ticks in a row without input end it too: the harness
    // stops before keep-alive idle timeouts, which tests look at on purpose.
    int run(int maxTurns = 2000, int64_t tickMicros = 50'000, int quietTicks = 40)
    {
        int turns = 0, quiet = 0;
        for (; turns < maxTurns; ++turns) {
            bool moved = false;
            for (size_t i = 0; i < m_handles.size(); ++i) {
                IoHandle *h = m_handles[i];
                if (h->dead)
                    continue;
                // As level-triggered epoll reports it: input (or the peer's
                // end) for EPOLLIN interest, the peer's end again and again
                // for EPOLLRDHUP interest, and room to write for EPOLLOUT.
                const uint32_t interest = m_interest[h];
                const bool hasInput = h == m_session ? m_client->hasInput() : upstreamHasInput(h);
                const MemoryTransport *t = h == m_session ? m_client : transportOf(h);
                const bool peerEnded =
                    t && t->endAfterIncoming && t->position == t->incoming.size() && t->answers.empty();
                uint32_t events = interest & EPOLLOUT;
                if (hasInput && interest & EPOLLIN)
                    events |= EPOLLIN;
                if (peerEnded && interest & EPOLLRDHUP)
                    events |= EPOLLRDHUP;
                if (events) {
                    h->onEvent(events);
                    moved = moved || (events & (EPOLLIN | EPOLLRDHUP));
                }
            }
            m_readAgainTaken.swap(m_readAgain); // as the worker does after its batch
            for (IoHandle *h : m_readAgainTaken)
                if (!h->dead) {
                    h->onEvent(EPOLLIN);
                    moved = true;
                }
            m_readAgainTaken.clear();
            quiet = moved ? 0 : quiet + 1;
            if (quiet > quietTicks)
                break;
            if (!moved) { // nothing to read: let time pass, so timeouts fire
                m_now += tickMicros;
                for (size_t i = 0; i < m_handles.size(); ++i)
                    if (!m_handles[i]->dead && m_handles[i]->deadlineMicros && m_handles[i]->deadlineMicros <= m_now)
                        m_handles[i]->onTimer(m_now);
                if (!anyDeadline() && !anyInput())
                    break;
            }
        }
        return turns;
    }

    // SessionHost
    int64_t now() const override { return m_now; }
    int64_t refreshNow() override { return m_now; }
    const std::shared_ptr<ClusterView> &view() const override { return m_view; }
    const std::string &node() const override { return m_node; }
    void add(IoHandle *handle, uint32_t events) override
    {
        m_handles.push_back(handle);
        m_interest[handle] = events;
    }
    void modify(IoHandle *handle, uint32_t events) override { m_interest[handle] = events; }
    void destroy(IoHandle *handle) override { handle->dead = true; }
    void readAgain(IoHandle *handle) override
    {
        if (std::find(m_readAgain.begin(), m_readAgain.end(), handle) == m_readAgain.end())
            m_readAgain.push_back(handle);
    }
    void replace(IoHandle *old, IoHandle *next, uint32_t events) override
    {
        next->fd = old->fd;
        old->dead = true;
        add(next, events);
    }
    UpstreamConnection *acquireUpstream(BackendRuntime &backend, std::string &error) override
    {
        for (auto it = m_idle.begin(); it != m_idle.end(); ++it)
            if (!(*it)->dead && &(*it)->backend() == &backend) {
                UpstreamConnection *c = *it;
                m_idle.erase(it);
                return c;
            }
        if (responses.empty()) {
            error = "connection refused"; // no more backends to answer
            return nullptr;
        }
        auto transport = std::make_unique<MemoryTransport>();
        transport->answers = std::move(responses.front());
        transport->endAfterIncoming = backendsCloseAfterAnswers;
        transport->writeLimit = upstreamWriteLimit;
        responses.pop_front();
        auto *c = new UpstreamConnection(*this, backend, -1, false, transport.get());
        m_upstreamOf[c] = transport.get();
        upstreamTransports.push_back(transport.get());
        m_transports.push_back(std::move(transport));
        add(c, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
        ++upstreamsOpened;
        return c;
    }
    void releaseUpstream(UpstreamConnection *connection) override { m_idle.push_back(connection); }
    void noteBackendFailure(BackendRuntime &) override {}

private:
    const MemoryTransport *transportOf(IoHandle *h) const
    {
        const auto it = m_upstreamOf.find(h);
        return it == m_upstreamOf.end() ? nullptr : it->second;
    }
    bool upstreamHasInput(IoHandle *h) const
    {
        const auto it = m_upstreamOf.find(h);
        return it != m_upstreamOf.end() && it->second->hasInput();
    }
    bool anyInput() const
    {
        if (sessionAlive() && m_client->position < m_client->incoming.size())
            return true;
        for (const auto &[h, t] : m_upstreamOf)
            if (!h->dead && t->hasInput() && (m_interest.at(h) & EPOLLIN))
                return true;
        return false;
    }
    bool anyDeadline() const
    {
        for (IoHandle *h : m_handles)
            if (!h->dead && h->deadlineMicros)
                return true;
        return false;
    }

    bool m_ok = false;
    int64_t m_now = 1'000'000;
    std::string m_node = "n1";
    RuntimeRegistry m_registry;
    std::unique_ptr<config::SnapshotStore> m_store;
    std::shared_ptr<ClusterView> m_view;
    std::vector<IoHandle *> m_handles;
    std::vector<IoHandle *> m_readAgain, m_readAgainTaken;
    std::map<IoHandle *, uint32_t> m_interest;
    std::map<IoHandle *, MemoryTransport *> m_upstreamOf;
    std::vector<UpstreamConnection *> m_idle;
    std::vector<std::unique_ptr<MemoryTransport>> m_transports;
    MemoryTransport *m_client = nullptr;
    IoHandle *m_session = nullptr;
};

} // namespace hafront::proxy::testing
