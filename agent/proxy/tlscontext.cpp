#include "proxy/tlscontext.h"

#include "base/clock.h"
#include "tls/sni.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace hafront::proxy {
namespace {

// TLS 1.2: forward secrecy and AEAD only (Mozilla's "intermediate" list);
// TLS 1.3's suites are all AEAD and stay OpenSSL's defaults.
constexpr const char *kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char *kGroups = "X25519:P-256:P-384";

// Without a shared secret file every listener of this process uses one
// random secret: tickets survive a reload, not a restart or a failover.
const std::string &processSecret()
{
    static const std::string secret = [] {
        std::string s(48, '\0');
        if (RAND_bytes(reinterpret_cast<unsigned char *>(s.data()), int(s.size())) != 1)
            throw std::runtime_error("no randomness for session ticket keys: " + takeOpensslError());
        return s;
    }();
    return secret;
}

const TlsServerContext *owner(SSL *ssl)
{
    return static_cast<const TlsServerContext *>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
}

int onServerName(SSL *ssl, int *, void *)
{
    owner(ssl)->selectContext(ssl);
    return SSL_TLSEXT_ERR_OK;
}

int onAlpn(SSL *ssl, const unsigned char **out, unsigned char *outLength, const unsigned char *in, unsigned inLength,
           void *)
{
    return owner(ssl)->selectAlpn(out, outLength, in, inLength);
}

bool setMacKey(EVP_MAC_CTX *mac, const std::array<uint8_t, 32> &key)
{
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<uint8_t *>(key.data()), key.size()),
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    return EVP_MAC_CTX_set_params(mac, params) == 1;
}

// OpenSSL asks for a key to seal a new ticket (enc = 1) or for the key a
// ticket names (enc = 0): 1 = use it, 2 = use it and issue a fresh ticket
// (the previous period's key), 0 = unknown, a full handshake.
int onTicketKey(SSL *ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH], EVP_CIPHER_CTX *cipher,
                EVP_MAC_CTX *mac, int enc)
{
    tls::TicketKeyRing &ring = owner(ssl)->tickets();
    const int64_t now = int64_t(std::time(nullptr));
    tls::TicketKey key;
    if (enc) {
        key = ring.encryptionKey(now);
        if (RAND_bytes(iv, 16) != 1)
            return -1;
        std::memcpy(name, key.name.data(), 16);
        if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) != 1 ||
            !setMacKey(mac, key.hmac))
            return -1;
        return 1;
    }
    bool renew = false;
    if (!ring.decryptionKey(name, now, key, renew))
        return 0;
    if (!setMacKey(mac, key.hmac) || EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) != 1)
        return -1;
    return renew ? 2 : 1;
}

// Called after OpenSSL opened (or failed to open) a ticket; the answers are
// OpenSSL's own defaults, with one change. A ticket whose name and HMAC are
// ours but whose body does not decrypt (only a holder of the key can make one)
// leaves OpenSSL 3.0's "bad decrypt" queued while the server goes on with a
// full handshake; the next SSL_get_error would read it as a fatal error and
// drop a client that did nothing wrong. Found by fuzz_clienthello.
SSL_TICKET_RETURN onTicketOpened(SSL *, SSL_SESSION *, const unsigned char *, size_t, SSL_TICKET_STATUS status, void *)
{
    switch (status) {
    case SSL_TICKET_SUCCESS:
        return SSL_TICKET_RETURN_USE;
    case SSL_TICKET_SUCCESS_RENEW:
        return SSL_TICKET_RETURN_USE_RENEW;
    case SSL_TICKET_NO_DECRYPT:
        ERR_clear_error();
        return SSL_TICKET_RETURN_IGNORE_RENEW;
    default: // empty: a full handshake and a new ticket
        return SSL_TICKET_RETURN_IGNORE_RENEW;
    }
}

SSL_CTX *newContext(const v1::Tls &tls, const TlsServerContext *self, std::string &error)
{
    SSL_CTX *c = SSL_CTX_new(TLS_server_method());
    if (!c) {
        error = takeOpensslError();
        return nullptr;
    }
    SSL_CTX_set_app_data(c, const_cast<TlsServerContext *>(self));
    SSL_CTX_set_min_proto_version(c, tls.min_version() == v1::TLS1_3 ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_ANTI_REPLAY);
    SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    // One read(2) per burst instead of a header read and a body read per
    // record; what it took beyond the record comes back via Transport::pending.
    SSL_CTX_set_read_ahead(c, 1);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF); // tickets carry the session
    SSL_CTX_set_num_tickets(c, 1);
    SSL_CTX_set_max_early_data(c, 0); // no 0-RTT
    if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1 || SSL_CTX_set1_groups_list(c, kGroups) != 1) {
        error = takeOpensslError();
        SSL_CTX_free(c);
        return nullptr;
    }
    SSL_CTX_set_tlsext_servername_callback(c, onServerName);
    SSL_CTX_set_alpn_select_cb(c, onAlpn, nullptr);
    SSL_CTX_set_tlsext_ticket_key_evp_cb(c, onTicketKey);
    SSL_CTX_set_session_ticket_cb(c, nullptr, onTicketOpened, nullptr);
    return c;
}

std::vector<std::string> sortedNames(std::vector<std::string> names)
{
    for (auto &n : names)
        std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

Result<std::shared_ptr<const TlsServerContext>> TlsServerContext::build(const v1::Tls &tls)
{
    std::shared_ptr<TlsServerContext> self(new TlsServerContext);
    std::vector<std::string> alpn(tls.alpn().begin(), tls.alpn().end());
    if (alpn.empty())
        alpn = {"h2", "http/1.1"}; // HTTP/2 when the client offers it
    for (const auto &p : alpn) {
        self->m_alpnWire.push_back(char(p.size()));
        self->m_alpnWire += p;
    }
    if (!tls.session_ticket_secret_file().empty()) {
        auto secret = tls::loadTicketSecret(tls.session_ticket_secret_file());
        if (!secret)
            return fail(secret.error());
        self->m_tickets = std::make_unique<tls::TicketKeyRing>(secret.value(), tls.ticket_rotation_s());
        self->m_sharedTickets = true;
    } else {
        self->m_tickets = std::make_unique<tls::TicketKeyRing>(processSecret(), tls.ticket_rotation_s());
    }
    std::vector<std::vector<std::string>> groupKeys;
    for (const auto &c : tls.certificate()) {
        auto info = tls::loadCertificate(c.cert_file(), c.key_file());
        if (!info)
            return fail(info.error());
        const auto key = sortedNames(info->names);
        size_t group = size_t(std::find(groupKeys.begin(), groupKeys.end(), key) - groupKeys.begin());
        if (group == groupKeys.size()) {
            std::string error;
            SSL_CTX *ctx = newContext(tls, self.get(), error);
            if (!ctx)
                return fail("cannot set up TLS: " + error);
            groupKeys.push_back(key);
            self->m_contexts.push_back(ctx);
            self->m_names.push_back(info->names);
        }
        SSL_CTX *ctx = self->m_contexts[group];
        ERR_clear_error();
        if (SSL_CTX_use_certificate_chain_file(ctx, c.cert_file().c_str()) != 1)
            return fail("certificate " + c.cert_file() + ": " + takeOpensslError());
        if (SSL_CTX_use_PrivateKey_file(ctx, c.key_file().c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1)
            return fail("key " + c.key_file() + ": " + takeOpensslError());
        self->m_certificates.push_back(std::move(info.value()));
        self->m_files.push_back(c.cert_file());
    }
    self->m_loadedWallMicros = wallMicros();
    if (self->m_contexts.empty())
        return fail("tls needs at least one certificate");
    return std::shared_ptr<const TlsServerContext>(std::move(self));
}

TlsServerContext::~TlsServerContext()
{
    for (SSL_CTX *c : m_contexts)
        SSL_CTX_free(c);
}

SSL *TlsServerContext::newSsl(int fd) const
{
    SSL *ssl = SSL_new(m_contexts[0]);
    if (!ssl)
        return nullptr;
    if (SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        return nullptr;
    }
    SSL_set_accept_state(ssl);
    return ssl;
}

void TlsServerContext::selectContext(SSL *ssl) const
{
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const size_t group = tls::pickCertificate(m_names, name ? name : "");
    if (group != 0 && group < m_contexts.size())
        SSL_set_SSL_CTX(ssl, m_contexts[group]);
}

int TlsServerContext::selectAlpn(const unsigned char **out, unsigned char *outLength, const unsigned char *in,
                                 unsigned inLength) const
{
    unsigned char *selected = nullptr;
    if (SSL_select_next_proto(&selected, outLength, reinterpret_cast<const unsigned char *>(m_alpnWire.data()),
                              unsigned(m_alpnWire.size()), in, inLength) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL; // no_application_protocol, as RFC 7301 3.2 asks
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

std::string takeOpensslError()
{
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e)
        return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

TlsFailure classifyHandshakeFailure(int sslError)
{
    const unsigned long e = ERR_peek_last_error();
    const int saved = errno;
    ERR_clear_error();
    if (sslError == SSL_ERROR_ZERO_RETURN || (sslError == SSL_ERROR_SYSCALL && (e == 0 || saved == ECONNRESET)))
        return TlsFailure::Closed;
    if (sslError != SSL_ERROR_SSL)
        return TlsFailure::Other;
    switch (ERR_GET_REASON(e)) {
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_WRONG_VERSION_NUMBER:
        return TlsFailure::Version;
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_SHARED_GROUPS:
    case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
        return TlsFailure::Cipher;
    case SSL_R_NO_APPLICATION_PROTOCOL:
        return TlsFailure::Alpn;
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
        return TlsFailure::PlainHttp;
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
        return TlsFailure::Certificate;
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
        return TlsFailure::Closed;
    default:
        return TlsFailure::Other;
    }
}

} // namespace hafront::proxy
