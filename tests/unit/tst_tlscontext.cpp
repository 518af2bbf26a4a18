// TlsServerContext and TlsTransport against a real OpenSSL client over a
// socketpair, both sides non-blocking: SNI picks the certificate, the
// client's signature algorithms pick ECDSA or RSA, ALPN and version limits
// refuse with the reason counted, and a session resumes on a second context
// built from the same secret file (the other node) but not from another.
#include "proxy/tlscontext.h"
#include "proxy/tlstransport.h"
#include "tls/certificateinfo.h"
#include "tls/ticketkeys.h"
#include "tlstesting.h"

#include <QTemporaryDir>
#include <QTest>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <sys/socket.h>
#include <unistd.h>

using namespace hafront;
using namespace hafront::proxy;

namespace {

struct ClientOptions {
    std::string serverName;
    std::string alpn;    // wire format built from a comma list
    std::string sigalgs; // empty: OpenSSL's
    int maxVersion = 0;  // 0: any
    SSL_SESSION *session = nullptr;
    std::vector<std::string> records; // sent after the handshake, one SSL_write each, read back by the server
};

struct ServerRead {
    std::string data;
    bool pendingAfter = false; // Transport::pending() right after this read
};

struct Outcome {
    bool ok = false;
    TlsFailure failure = TlsFailure::Other;
    std::string subjectNames; // of the certificate the client got
    std::string keyType;
    std::string alpn;
    bool resumed = false;
    SSL_SESSION *session = nullptr; // for the next connection; caller frees
    std::vector<ServerRead> reads;  // of ClientOptions::records, until the server's read would block
};

std::string wire(const std::string &list)
{
    std::string out;
    size_t at = 0;
    while (at < list.size()) {
        size_t comma = list.find(',', at);
        if (comma == std::string::npos)
            comma = list.size();
        out.push_back(char(comma - at));
        out.append(list, at, comma - at);
        at = comma + 1;
    }
    return out;
}

// Drives both ends until the handshake ends, then one byte each way so that
// TLS 1.3 tickets reach the client.
Outcome handshakeWith(const TlsServerContext &server, const std::string &caFile, const ClientOptions &o)
{
    int fds[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds);
    auto context = std::shared_ptr<const TlsServerContext>(&server, [](const TlsServerContext *) {});
    TlsTransport transport(server.newSsl(fds[0]), context);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, caFile.c_str(), nullptr);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, nullptr);
    if (o.maxVersion) {
        SSL_CTX_set_min_proto_version(cctx, TLS1_VERSION);
        SSL_CTX_set_max_proto_version(cctx, o.maxVersion);
        SSL_CTX_set_security_level(cctx, 0);
    }
    if (!o.sigalgs.empty())
        SSL_CTX_set1_sigalgs_list(cctx, o.sigalgs.c_str());
    SSL *client = SSL_new(cctx);
    SSL_set_fd(client, fds[1]);
    SSL_set_connect_state(client);
    if (!o.serverName.empty())
        SSL_set_tlsext_host_name(client, o.serverName.c_str());
    if (!o.alpn.empty()) {
        const std::string w = wire(o.alpn);
        SSL_set_alpn_protos(client, reinterpret_cast<const unsigned char *>(w.data()), unsigned(w.size()));
    }
    if (o.session) {
        SSL_set_session(client, o.session);
    }
    Outcome out;
    bool serverDone = false, clientDone = false, serverFailed = false, clientFailed = false;
    for (int i = 0; i < 200 && !((serverDone || serverFailed) && (clientDone || clientFailed)); ++i) {
        if (!serverDone && !serverFailed) {
            const auto r = transport.handshake();
            serverDone = r == TlsTransport::Handshake::Done;
            serverFailed = r == TlsTransport::Handshake::Failed;
            if (serverFailed)
                out.failure = transport.failure();
        }
        if (!clientDone && !clientFailed) {
            const int rc = SSL_do_handshake(client);
            clientDone = rc == 1;
            if (!clientDone)
                if (const int e = SSL_get_error(client, rc); e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                    clientFailed = true;
        }
        if (serverFailed && !clientDone)
            break; // the alert is on its way; the client fails on it
    }
    ERR_clear_error();
    if (serverDone && clientDone) {
        out.ok = true;
        out.alpn = transport.alpn();
        out.resumed = transport.resumed();
        if (X509 *peer = SSL_get1_peer_certificate(client)) {
            auto *sans = static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(peer, NID_subject_alt_name, nullptr, nullptr));
            for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
                const GENERAL_NAME *n = sk_GENERAL_NAME_value(sans, i);
                out.subjectNames += (out.subjectNames.empty() ? "" : ",") +
                                    std::string(reinterpret_cast<const char *>(ASN1_STRING_get0_data(n->d.dNSName)));
            }
            GENERAL_NAMES_free(sans);
            out.keyType = EVP_PKEY_get_base_id(X509_get0_pubkey(peer)) == EVP_PKEY_EC ? "EC" : "RSA";
            X509_free(peer);
        }
        char b = 'x';
        for (int i = 0; i < 50; ++i) { // server says one byte; reading it takes in the tickets
            transport.write(&b, 1);
            char got;
            size_t n = 0;
            if (SSL_read_ex(client, &got, 1, &n) == 1)
                break;
        }
        for (const std::string &record : o.records) {
            size_t n = 0;
            SSL_write_ex(client, record.data(), record.size(), &n);
        }
        for (int i = 0; i < 20 && !o.records.empty(); ++i) {
            char buf[16384];
            const IoResult r = transport.read(buf, sizeof buf);
            if (r.status != Io::Done)
                break;
            out.reads.push_back({std::string(buf, r.bytes), transport.pending()});
        }
        out.session = SSL_get1_session(client);
        SSL_shutdown(client); // a session closed without close_notify is not resumable (OpenSSL)
    }
    SSL_free(client);
    SSL_CTX_free(cctx);
    ERR_clear_error();
    ::close(fds[1]);
    ::close(fds[0]);
    return out;
}

} // namespace

class TestTlsContext : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<tlstesting::Authority> m_ca;
    tlstesting::Issued m_www, m_wild, m_wwwRsa;

    std::string file(const char *name, const std::string &content)
    {
        const std::string path = m_dir.filePath(name).toStdString();
        std::ofstream(path) << content;
        return path;
    }
    v1::Tls config(std::vector<tlstesting::Issued> certs, const std::string &secretFile = {})
    {
        v1::Tls tls;
        for (const auto &c : certs) {
            auto *cert = tls.add_certificate();
            cert->set_cert_file(c.certFile);
            cert->set_key_file(c.keyFile);
        }
        tls.set_session_ticket_secret_file(secretFile);
        return tls;
    }
    std::shared_ptr<const TlsServerContext> build(const v1::Tls &tls)
    {
        auto r = TlsServerContext::build(tls);
        if (!r)
            qFatal("build: %s", r.error().c_str());
        return r.value();
    }

private slots:
    void initTestCase()
    {
        m_ca = std::make_unique<tlstesting::Authority>(m_dir.path().toStdString());
        m_www = m_ca->issue("www", {"www.example.test", "example.test"});
        m_wild = m_ca->issue("wild", {"*.shop.test"});
        m_wwwRsa = m_ca->issue("www-rsa", {"www.example.test", "example.test"}, tlstesting::Key::Rsa);
    }

    void sniPicksTheCertificateByName()
    {
        const auto ctx = build(config({m_www, m_wild}));
        QCOMPARE(ctx->certificates().size(), size_t(2));
        auto a = handshakeWith(*ctx, m_ca->caFile(), {"cart.shop.test"});
        QVERIFY(a.ok);
        QCOMPARE(a.subjectNames, std::string("*.shop.test"));
        auto b = handshakeWith(*ctx, m_ca->caFile(), {"www.example.test"});
        QVERIFY(b.ok);
        QCOMPARE(b.subjectNames, std::string("www.example.test,example.test"));
        auto none = handshakeWith(*ctx, m_ca->caFile(), {}); // no SNI: the first certificate
        QCOMPARE(none.subjectNames, std::string("www.example.test,example.test"));
        SSL_SESSION_free(a.session);
        SSL_SESSION_free(b.session);
        SSL_SESSION_free(none.session);
    }

    // Read ahead: one read(2) takes both records the client sent; the second
    // is reported as pending (no epoll event will announce it) until it is read.
    void recordsReadAheadArePendingUntilRead()
    {
        const auto ctx = build(config({m_www}));
        ClientOptions o{"www.example.test"};
        o.records = {"GET /1 HTTP/1.1\r\n\r\n", "GET /2 HTTP/1.1\r\n\r\n"};
        auto a = handshakeWith(*ctx, m_ca->caFile(), o);
        QVERIFY(a.ok);
        QCOMPARE(a.reads.size(), size_t(2));
        QCOMPARE(a.reads[0].data, o.records[0]);
        QVERIFY2(a.reads[0].pendingAfter, "the second record was read ahead and must be reported");
        QCOMPARE(a.reads[1].data, o.records[1]);
        QVERIFY(!a.reads[1].pendingAfter);
        SSL_SESSION_free(a.session);
    }

    void signatureAlgorithmsPickEcdsaOrRsa()
    {
        const auto ctx = build(config({m_www, m_wwwRsa, m_wild}));
        auto rsa = handshakeWith(*ctx, m_ca->caFile(), {"www.example.test", "", "RSA-PSS+SHA256:RSA+SHA256"});
        QVERIFY(rsa.ok);
        QCOMPARE(rsa.keyType, std::string("RSA"));
        auto ec = handshakeWith(*ctx, m_ca->caFile(), {"www.example.test", "", "ECDSA+SHA256"});
        QVERIFY(ec.ok);
        QCOMPARE(ec.keyType, std::string("EC"));
        SSL_SESSION_free(rsa.session);
        SSL_SESSION_free(ec.session);
    }

    void alpnAndVersionsAreRefusedWithTheReason()
    {
        const auto both = build(config({m_www})); // default: h2, then http/1.1
        auto h2 = handshakeWith(*both, m_ca->caFile(), {"www.example.test", "http/1.1,h2"});
        QVERIFY(h2.ok);
        QCOMPARE(h2.alpn, std::string("h2")); // the server's preference
        SSL_SESSION_free(h2.session);
        v1::Tls h1only = config({m_www});
        h1only.add_alpn("http/1.1");
        const auto ctx = build(h1only);
        auto h1 = handshakeWith(*ctx, m_ca->caFile(), {"www.example.test", "h2,http/1.1"});
        QVERIFY(h1.ok);
        QCOMPARE(h1.alpn, std::string("http/1.1"));
        SSL_SESSION_free(h1.session);
        auto h2only = handshakeWith(*ctx, m_ca->caFile(), {"www.example.test", "h2"});
        QVERIFY(!h2only.ok);
        QCOMPARE(int(h2only.failure), int(TlsFailure::Alpn));
        auto old = handshakeWith(*ctx, m_ca->caFile(), {"www.example.test", "", "", TLS1_1_VERSION});
        QVERIFY(!old.ok);
        QCOMPARE(int(old.failure), int(TlsFailure::Version));
    }

    // The failover case: fe1 and fe2 read the same secret file, so a ticket
    // fe1 issued opens a session on fe2; a node with another secret does a
    // full handshake. TLS 1.3 and 1.2 alike.
    void sessionsResumeOnAContextWithTheSameSecret_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("TLS 1.3") << TLS1_3_VERSION;
        QTest::newRow("TLS 1.2") << TLS1_2_VERSION;
    }
    void sessionsResumeOnAContextWithTheSameSecret()
    {
        QFETCH(int, version);
        const std::string secret = file("secret", std::string(48, 'A'));
        const std::string otherSecret = file("other", std::string(48, 'B'));
        const auto fe1 = build(config({m_www}, secret));
        const auto fe2 = build(config({m_www}, secret));
        const auto stranger = build(config({m_www}, otherSecret));
        QVERIFY(fe1->sharedTicketKeys());
        ClientOptions o{"www.example.test"};
        o.maxVersion = version;
        auto first = handshakeWith(*fe1, m_ca->caFile(), o);
        QVERIFY(first.ok);
        QVERIFY(!first.resumed);
        QVERIFY(first.session);
        o.session = first.session;
        auto onFe2 = handshakeWith(*fe2, m_ca->caFile(), o);
        QVERIFY(onFe2.ok);
        QVERIFY2(onFe2.resumed, "a ticket from fe1 must resume on fe2");
        auto elsewhere = handshakeWith(*stranger, m_ca->caFile(), o);
        QVERIFY(elsewhere.ok);
        QVERIFY(!elsewhere.resumed);
        SSL_SESSION_free(first.session);
        SSL_SESSION_free(onFe2.session);
        SSL_SESSION_free(elsewhere.session);
    }

    // A ticket with our key name and a valid HMAC over a body that does not
    // decrypt (only a holder of the key can make one; fuzz_clienthello found
    // it): OpenSSL 3.0 queues "bad decrypt" and goes on with a full
    // handshake. The server must do the same, not read the queued error as a
    // failed handshake and drop the client.
    void aTicketThatDoesNotOpenGivesAFullHandshake()
    {
        const std::string secretFile = file("secret", std::string(48, 'A'));
        const auto fe1 = build(config({m_www}, secretFile));
        ClientOptions o{"www.example.test"};
        o.maxVersion = TLS1_2_VERSION; // the ticket is in the session, in the clear
        auto first = handshakeWith(*fe1, m_ca->caFile(), o);
        QVERIFY(first.ok);
        QVERIFY(first.session);
        const unsigned char *ticket = nullptr;
        size_t length = 0;
        SSL_SESSION_get0_ticket(first.session, &ticket, &length);
        QVERIFY2(length > 16 + 16 + 32, "a ticket: name, IV, body, HMAC");
        std::string forged(reinterpret_cast<const char *>(ticket), length);
        const size_t bodyEnd = length - 32;
        for (size_t i = 32; i < bodyEnd; ++i)
            forged[i] = char(0x5a ^ i);
        tls::TicketKey key;
        bool renew = false;
        tls::TicketKeyRing ring(tls::loadTicketSecret(secretFile).value(), 0);
        QVERIFY(ring.decryptionKey(reinterpret_cast<const uint8_t *>(forged.data()), std::time(nullptr), key, renew));
        size_t macLength = 0;
        QVERIFY(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.hmac.data(), key.hmac.size(),
                          reinterpret_cast<const unsigned char *>(forged.data()), bodyEnd,
                          reinterpret_cast<unsigned char *>(forged.data() + bodyEnd), 32, &macLength));
        QCOMPARE(macLength, size_t(32));
        // The ticket's bytes appear as they are in the session's DER form.
        unsigned char *der = nullptr;
        const int derLength = i2d_SSL_SESSION(first.session, &der);
        std::string bytes(reinterpret_cast<const char *>(der), size_t(derLength));
        OPENSSL_free(der);
        const size_t at = bytes.find(std::string(reinterpret_cast<const char *>(ticket), length));
        QVERIFY(at != std::string::npos);
        bytes.replace(at, length, forged);
        const unsigned char *p = reinterpret_cast<const unsigned char *>(bytes.data());
        SSL_SESSION *tampered = d2i_SSL_SESSION(nullptr, &p, long(bytes.size()));
        QVERIFY(tampered);
        o.session = tampered;
        auto second = handshakeWith(*fe1, m_ca->caFile(), o);
        QVERIFY2(second.ok, "the client that sent the ticket gets a full handshake");
        QVERIFY(!second.resumed);
        SSL_SESSION_free(first.session);
        SSL_SESSION_free(second.session);
        SSL_SESSION_free(tampered);
    }

    void brokenFilesAreRefusedWithTheReason()
    {
        auto missing = TlsServerContext::build(config({{m_dir.filePath("nope.pem").toStdString(), m_www.keyFile}}));
        QVERIFY(!missing);
        QVERIFY2(missing.error().find("nope.pem") != std::string::npos, missing.error().c_str());
        auto mismatch = TlsServerContext::build(config({{m_www.certFile, m_wild.keyFile}}));
        QVERIFY(!mismatch);
        QVERIFY2(mismatch.error().find("does not belong") != std::string::npos, mismatch.error().c_str());
        const std::string garbage = file("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n");
        QVERIFY(!TlsServerContext::build(config({{garbage, m_www.keyFile}})));
    }
};

QTEST_GUILESS_MAIN(TestTlsContext)
#include "tst_tlscontext.moc"
