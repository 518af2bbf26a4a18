// Worker: one proxy thread with its own epoll loop, its own SO_REUSEPORT
// listening sockets, its own idle upstream connections and its own compiled
// view of the snapshot (rebuilt when the generation changes: no lock per request).
#pragma once

#include "base/busyyield.h"
#include "base/liveness.h"
#include "base/result.h"
#include "config/address.h"
#include "config/snapshotstore.h"
#include "proxy/iohandle.h"
#include "proxy/poolview.h"
#include "proxy/sessionhost.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hafront::proxy {

class UpstreamConnection;

class Worker final : public SessionHost {
public:
    Worker(int index, config::SnapshotStore &store, RuntimeRegistry &registry);
    ~Worker() override;

    Status bindListeners();
    // `heartbeat` (may be null) is beaten once per turn of the loop: base/liveness.h.
    void start(Heartbeat *heartbeat = nullptr);
    // Stop accepting now; close once idle or at the deadline; then the thread ends.
    void requestStop(int64_t deadlineMicros);
    void join();

    // SessionHost, for handles running on this worker's thread.
    void add(IoHandle *handle, uint32_t events) override;
    void modify(IoHandle *handle, uint32_t events) override;
    void destroy(IoHandle *handle) override; // closes the fd now, deletes after the batch
    void readAgain(IoHandle *handle) override;
    void replace(IoHandle *old, IoHandle *next, uint32_t events) override;
    UpstreamConnection *acquireUpstream(BackendRuntime &backend, std::string &error) override;
    void releaseUpstream(UpstreamConnection *connection) override;
    void noteBackendFailure(BackendRuntime &backend) override;
    const std::shared_ptr<ClusterView> &view() const override { return m_view; }
    // Connection balance: every worker, this one included, in index order.
    void setSiblings(std::vector<Worker *> siblings) { m_siblings = std::move(siblings); }
    // Client connections held plus those handed over and not yet taken; -1 once stopping.
    int load() const;
    const std::string &node() const override { return m_node; }
    int index() const { return m_index; }
    int64_t now() const override { return m_now; }
    int64_t refreshNow() override;

private:
    struct Listener;
    struct Accepted {
        int fd;
        size_t listener;
        const ListenerRuntime *listenerRt; // to check the index on the taking side
        bool tcp;
        config::Address peer;
    };
    void startSession(const Accepted &a);
    void handOver(const Accepted &a); // called by a sibling's thread
    void takeHandovers();
    void run();
    void refreshView();
    void sweep();
    void acceptFrom(Listener &listener);

    int m_index;
    config::SnapshotStore &m_store;
    RuntimeRegistry &m_registry;
    std::string m_node;
    int m_epoll = -1;
    int m_wake = -1;
    std::thread m_thread;
    std::atomic<bool> m_stopping{false};
    std::atomic<int64_t> m_stopDeadline{0};
    uint64_t m_viewGeneration = ~0ull;
    std::shared_ptr<ClusterView> m_view;
    std::vector<std::unique_ptr<Listener>> m_listeners;
    std::vector<IoHandle *> m_handles; // live sessions and upstreams, for the timer sweep
    std::vector<IoHandle *> m_graveyard;
    std::vector<IoHandle *> m_readAgain; // input buffered above the socket: run again before the next wait
    std::vector<IoHandle *> m_readAgainTaken;
    std::map<BackendRuntime *, std::vector<UpstreamConnection *>> m_idle;
    std::map<BackendRuntime *, TlsSessionSlot> m_tlsSessions; // TLS pools: the last session per backend
    int64_t m_now = 0;
    int64_t m_lastLogFlush = 0;
    int64_t m_lastSweep = 0;
    BusyYield m_yield;
    Heartbeat *m_heartbeat = nullptr;
    std::vector<Worker *> m_siblings;
    std::vector<int> m_loadScratch;
    std::atomic<int> m_clients{0};
    std::atomic<int> m_incoming{0};
    std::mutex m_mailboxMutex;
    std::vector<Accepted> m_mailbox;
    std::vector<Accepted> m_mailboxTaken;
};

} // namespace hafront::proxy
