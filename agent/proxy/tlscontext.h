// TlsServerContext: the OpenSSL side of one TLS listener, built from its
// config (the certificate files are read here) and shared by every worker
// (an SSL_CTX is safe to use from many threads once built). A reload builds a
// new one: new handshakes get it at once, connections already open keep the
// SSL they have (each holds its context until it closes).
//
// One SSL_CTX per group of certificates with the same names (an ECDSA and an
// RSA certificate for one name share a group: the client's signature
// algorithms pick); SNI switches to the group tls::pickCertificate names.
// Modern defaults: TLS 1.2+, AEAD suites with ECDHE, X25519/P-256/P-384, no
// renegotiation, no compression, no 0-RTT, session cache off — tickets carry
// the session, with keys from tls::TicketKeyRing (the shared secret file, or
// a random secret of this process).
#pragma once

#include "base/result.h"
#include "hafront/v1/cluster.pb.h"
#include "tls/certificateinfo.h"
#include "tls/ticketkeys.h"

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace hafront::proxy {

// Why a handshake failed, as counted per listener and shown in /metrics.
enum class TlsFailure { Version, Cipher, Alpn, PlainHttp, Certificate, Timeout, Closed, Other, Count };
inline constexpr std::array<const char *, size_t(TlsFailure::Count)> kTlsFailureNames = {"protocol_version",
                                                                                         "no_shared_cipher",
                                                                                         "no_application_protocol",
                                                                                         "plain_http",
                                                                                         "certificate_rejected",
                                                                                         "timeout",
                                                                                         "closed",
                                                                                         "other"};

class TlsServerContext {
public:
    static Result<std::shared_ptr<const TlsServerContext>> build(const v1::Tls &tls);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext &) = delete;
    TlsServerContext &operator=(const TlsServerContext &) = delete;

    SSL *newSsl(int fd) const; // server side, on the socket; null when OpenSSL fails
    // The certificates as loaded, in config order (status, metrics, the console).
    const std::vector<tls::CertificateInfo> &certificates() const { return m_certificates; }
    const std::vector<std::string> &certificateFiles() const { return m_files; }
    int64_t loadedWallMicros() const { return m_loadedWallMicros; }
    bool sharedTicketKeys() const { return m_sharedTickets; }

    // For the OpenSSL callbacks.
    void selectContext(SSL *ssl) const; // SNI
    int selectAlpn(const unsigned char **out, unsigned char *outLength, const unsigned char *in,
                   unsigned inLength) const;
    tls::TicketKeyRing &tickets() const { return *m_tickets; }

private:
    TlsServerContext() = default;

    std::vector<SSL_CTX *> m_contexts;             // [0]: the default
    std::vector<std::vector<std::string>> m_names; // names of each context's certificates
    std::vector<tls::CertificateInfo> m_certificates;
    std::vector<std::string> m_files;
    int64_t m_loadedWallMicros = 0;
    std::string m_alpnWire; // server preference order, length-prefixed
    std::unique_ptr<tls::TicketKeyRing> m_tickets;
    bool m_sharedTickets = false;
};

// Classifies the OpenSSL error queue of a failed handshake (and clears it).
TlsFailure classifyHandshakeFailure(int sslError);

// The oldest error OpenSSL queued, as text; clears the queue.
std::string takeOpensslError();

} // namespace hafront::proxy
