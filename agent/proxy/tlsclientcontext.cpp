#include "proxy/tlsclientcontext.h"

#include "config/defaults.h"
#include "proxy/tlscontext.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <atomic>

namespace hafront::proxy {
namespace {

constexpr unsigned char kAlpn[] = "\x08http/1.1";

// The raw address when `name` is an IPv4 or IPv6 literal (brackets allowed), else empty.
std::string ipBytes(std::string name)
{
    if (name.size() > 2 && name.front() == '[' && name.back() == ']')
        name = name.substr(1, name.size() - 2);
    unsigned char buf[16];
    if (inet_pton(AF_INET, name.c_str(), buf) == 1)
        return std::string(reinterpret_cast<char *>(buf), 4);
    if (inet_pton(AF_INET6, name.c_str(), buf) == 1)
        return std::string(reinterpret_cast<char *>(buf), 16);
    return {};
}

// OpenSSL calls this for each session a server gives (after a TLS 1.2
// handshake; per TLS 1.3 ticket, which may come after the first response).
int onNewSession(SSL *ssl, SSL_SESSION *session)
{
    auto *slot = static_cast<TlsSessionSlot *>(SSL_get_app_data(ssl));
    const auto *self = static_cast<const TlsClientContext *>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (slot && self)
        if (SSL_SESSION *copy = SSL_SESSION_dup(session))
            slot->keep(self->id(), copy);
    return 0; // the connection keeps its own reference
}

} // namespace

TlsSessionSlot::~TlsSessionSlot()
{
    clear();
}

SSL_SESSION *TlsSessionSlot::session(uint64_t contextId) const
{
    return contextId == m_contextId ? m_session : nullptr;
}

void TlsSessionSlot::keep(uint64_t contextId, SSL_SESSION *session)
{
    clear();
    m_contextId = contextId;
    m_session = session;
}

void TlsSessionSlot::clear()
{
    if (m_session)
        SSL_SESSION_free(m_session);
    m_session = nullptr;
    m_contextId = 0;
}

Result<std::shared_ptr<const TlsClientContext>> TlsClientContext::build(const v1::PoolTls &tls)
{
    static std::atomic<uint64_t> nextId{1};
    std::shared_ptr<TlsClientContext> self(new TlsClientContext);
    self->m_id = nextId.fetch_add(1);
    self->m_serverName = tls.server_name();
    self->m_serverIp = ipBytes(tls.server_name());
    self->m_verify = config::verifyOf(tls);
    ERR_clear_error();
    SSL_CTX *c = self->m_context = SSL_CTX_new(TLS_client_method());
    if (!c)
        return fail("cannot set up TLS: " + takeOpensslError());
    SSL_CTX_set_app_data(c, self.get());
    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
    SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_read_ahead(c, 1); // as the listeners: records past a short read are Transport::pending
    // Sessions go to the slots (onNewSession), none to OpenSSL's own store.
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(c, onNewSession);
    if (SSL_CTX_set_alpn_protos(c, kAlpn, sizeof kAlpn - 1) != 0)
        return fail("cannot set up TLS: " + takeOpensslError());
    SSL_CTX_set_verify(c, self->m_verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    if (tls.ca_file().empty()) {
        if (SSL_CTX_set_default_verify_paths(c) != 1)
            return fail("cannot load the system's CA certificates: " + takeOpensslError());
    } else if (SSL_CTX_load_verify_locations(c, tls.ca_file().c_str(), nullptr) != 1) {
        return fail("CA file " + tls.ca_file() + ": " + takeOpensslError());
    }
    if (!tls.cert_file().empty()) {
        if (SSL_CTX_use_certificate_chain_file(c, tls.cert_file().c_str()) != 1)
            return fail("certificate " + tls.cert_file() + ": " + takeOpensslError());
        if (SSL_CTX_use_PrivateKey_file(c, tls.key_file().c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(c) != 1)
            return fail("key " + tls.key_file() + ": " + takeOpensslError());
    }
    return std::shared_ptr<const TlsClientContext>(std::move(self));
}

TlsClientContext::~TlsClientContext()
{
    SSL_CTX_free(m_context);
}

SSL *TlsClientContext::newSsl(int fd, const SocketAddress &backend, TlsSessionSlot *slot) const
{
    SSL *ssl = SSL_new(m_context);
    if (!ssl)
        return nullptr;
    bool ok = SSL_set_fd(ssl, fd) == 1;
    SSL_set_connect_state(ssl);
    if (ok && !m_serverName.empty() && m_serverIp.empty())
        ok = SSL_set_tlsext_host_name(ssl, m_serverName.c_str()) == 1;
    if (ok && m_verify) {
        X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
        if (!m_serverIp.empty()) {
            ok = X509_VERIFY_PARAM_set1_ip(param, reinterpret_cast<const unsigned char *>(m_serverIp.data()),
                                           m_serverIp.size()) == 1;
        } else if (!m_serverName.empty()) {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            ok = X509_VERIFY_PARAM_set1_host(param, m_serverName.c_str(), m_serverName.size()) == 1;
        } else if (backend.family() == AF_INET6) {
            const auto &in6 = reinterpret_cast<const sockaddr_in6 &>(backend.storage);
            ok = X509_VERIFY_PARAM_set1_ip(param, in6.sin6_addr.s6_addr, 16) == 1;
        } else {
            const auto &in = reinterpret_cast<const sockaddr_in &>(backend.storage);
            ok = X509_VERIFY_PARAM_set1_ip(param, reinterpret_cast<const unsigned char *>(&in.sin_addr), 4) == 1;
        }
    }
    if (ok && slot) {
        SSL_set_app_data(ssl, slot);
        // A copy: OpenSSL marks a TLS 1.3 session it resumed as used up, while
        // servers (ours too) accept a ticket again and send no new one then.
        // Ticket reuse is linkable (RFC 8446 C.4), which does not matter between a proxy and its backends.
        if (SSL_SESSION *kept = slot->session(m_id)) {
            SSL_SESSION *copy = SSL_SESSION_dup(kept);
            ok = copy && SSL_set_session(ssl, copy) == 1;
            if (copy)
                SSL_SESSION_free(copy);
        }
    }
    if (!ok) {
        ERR_clear_error();
        SSL_free(ssl);
        return nullptr;
    }
    return ssl;
}

} // namespace hafront::proxy
