// TlsClientContext: the OpenSSL side of one pool's TLS to its backends
// (pool { tls { } }), built from its config (the CA bundle and a client
// certificate are read here) and shared by the workers and the health
// checker; a reload builds a new one, connections already open keep theirs.
// TLS 1.2+, ALPN "http/1.1", no renegotiation; the peer's certificate is
// verified against server_name (also sent as SNI) or, without one, against
// the backend's IP address (an IP SAN; no SNI, RFC 6066 3 forbids an address).
//
// TlsSessionSlot: the last session one backend gave one thread (a worker,
// the health checker), so that its next connection resumes instead of paying
// a full handshake. OpenSSL hands sessions over as they arrive (TLS 1.3
// tickets come after the handshake). The slot keeps a copy and each
// connection resumes from a copy of it: what OpenSSL marks on the session of
// one connection (an unclean close; a TLS 1.3 ticket used once) leaves the
// slot's resumable (tst_upstreamtls: the third connection resumes too).
#pragma once

#include "base/result.h"
#include "hafront/v1/cluster.pb.h"
#include "proxy/socketaddress.h"

#include <cstdint>
#include <memory>
#include <string>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_session_st SSL_SESSION;

namespace hafront::proxy {

class TlsSessionSlot {
public:
    TlsSessionSlot() = default;
    ~TlsSessionSlot();
    TlsSessionSlot(const TlsSessionSlot &) = delete;
    TlsSessionSlot &operator=(const TlsSessionSlot &) = delete;

    // Borrowed; null when none was kept under this context (a reload may have
    // changed what is verified: its sessions are not resumed).
    SSL_SESSION *session(uint64_t contextId) const;
    void keep(uint64_t contextId, SSL_SESSION *session); // takes it
    void clear();

private:
    uint64_t m_contextId = 0;
    SSL_SESSION *m_session = nullptr;
};

class TlsClientContext {
public:
    static Result<std::shared_ptr<const TlsClientContext>> build(const v1::PoolTls &tls);
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext &) = delete;
    TlsClientContext &operator=(const TlsClientContext &) = delete;

    // Client side on the connecting socket to `backend`; resumes the session
    // in `slot` and keeps the new ones there (the slot must outlive the SSL).
    // Null when OpenSSL fails.
    SSL *newSsl(int fd, const SocketAddress &backend, TlsSessionSlot *slot) const;
    uint64_t id() const { return m_id; } // unique in this process, for TlsSessionSlot
    const std::string &serverName() const { return m_serverName; }
    bool verifies() const { return m_verify; }

private:
    TlsClientContext() = default;

    SSL_CTX *m_context = nullptr;
    std::string m_serverName;
    std::string m_serverIp; // server_name is an IP literal: raw bytes, 4 or 16
    bool m_verify = true;
    uint64_t m_id = 0;
};

} // namespace hafront::proxy
