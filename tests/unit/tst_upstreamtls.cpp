// TLS to backends: TlsClientContext and a client-side TlsTransport against
// the proxy's own server side (TlsServerContext) over a socketpair, both
// non-blocking. The backend's certificate verifies by server_name (sent as
// SNI) or by the backend's IP; a wrong name, an unknown CA, a wrong IP or an
// expired certificate is refused with the reason the error response and the
// log show; verify off accepts anything; the second connection resumes the session the slot kept,
// and a context built again (a reload) does not resume the old one.
#include "proxy/tlsclientcontext.h"
#include "proxy/tlscontext.h"
#include "proxy/tlstransport.h"
#include "tlstesting.h"

#include <QTemporaryDir>
#include <QTest>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace hafront;
using namespace hafront::proxy;

namespace {

struct Outcome {
    bool ok = false;
    std::string clientFailure; // TlsTransport::failureText() of the client side
    std::string sni;           // what the server saw
    std::string alpn;
    bool resumed = false;
    bool clientCertificate = false; // the server got one
};

SocketAddress ipv4(const char *ip)
{
    config::Endpoint e;
    in_addr a{};
    inet_pton(AF_INET, ip, &a);
    e.ip = ntohl(a.s_addr);
    e.port = 443;
    return SocketAddress::of(e);
}

int acceptAnyCertificate(int, X509_STORE_CTX *)
{
    return 1;
}

// Drives both ends to the end of the handshake, then one byte each way (the
// client's read takes in TLS 1.3 tickets) and close_notify.
Outcome handshakeWith(const std::shared_ptr<const TlsServerContext> &server,
                      const std::shared_ptr<const TlsClientContext> &client, const SocketAddress &backend,
                      TlsSessionSlot *slot, int maxVersion = 0, bool askClientCertificate = false)
{
    int fds[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds);
    SSL *serverSsl = server->newSsl(fds[0]);
    if (askClientCertificate)
        SSL_set_verify(serverSsl, SSL_VERIFY_PEER, acceptAnyCertificate);
    TlsTransport serverSide(serverSsl, server);
    SSL *clientSsl = client->newSsl(fds[1], backend, slot);
    if (maxVersion)
        SSL_set_max_proto_version(clientSsl, maxVersion);
    TlsTransport clientSide(clientSsl, client);
    Outcome out;
    bool serverDone = false, clientDone = false, serverFailed = false, clientFailed = false;
    for (int i = 0; i < 200 && !((serverDone || serverFailed) && (clientDone || clientFailed)); ++i) {
        if (!clientDone && !clientFailed) {
            const auto r = clientSide.handshake();
            clientDone = r == TlsTransport::Handshake::Done;
            clientFailed = r == TlsTransport::Handshake::Failed;
        }
        if (!serverDone && !serverFailed) {
            const auto r = serverSide.handshake();
            serverDone = r == TlsTransport::Handshake::Done;
            serverFailed = r == TlsTransport::Handshake::Failed;
        }
        if (clientFailed && !serverDone)
            break;
    }
    if (clientFailed)
        out.clientFailure = clientSide.failureText();
    if (clientDone && serverDone) {
        out.ok = true;
        out.sni = serverSide.serverName();
        out.alpn = clientSide.alpn();
        out.resumed = clientSide.resumed();
        out.clientCertificate = SSL_get0_peer_certificate(serverSsl) != nullptr;
        char b = 'x', got = 0;
        for (int i = 0; i < 50; ++i) {
            serverSide.write(&b, 1);
            if (clientSide.read(&got, 1).status == Io::Done)
                break;
        }
        clientSide.closing();
        serverSide.closing();
    }
    ERR_clear_error();
    ::close(fds[0]);
    ::close(fds[1]);
    return out;
}

} // namespace

class TestUpstreamTls : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<tlstesting::Authority> m_ca;
    std::unique_ptr<tlstesting::Authority> m_otherCa;
    std::shared_ptr<const TlsServerContext> m_app;     // app.test
    std::shared_ptr<const TlsServerContext> m_byIp;    // IP:127.0.0.1 only
    std::shared_ptr<const TlsServerContext> m_expired; // app.test, expired 10 days ago
    tlstesting::Issued m_clientCert;

    std::shared_ptr<const TlsServerContext> server(const tlstesting::Issued &issued)
    {
        v1::Tls tls;
        auto *c = tls.add_certificate();
        c->set_cert_file(issued.certFile);
        c->set_key_file(issued.keyFile);
        auto r = TlsServerContext::build(tls);
        if (!r)
            qFatal("server: %s", r.error().c_str());
        return r.value();
    }
    std::shared_ptr<const TlsClientContext> client(const std::string &caFile, const std::string &serverName,
                                                   bool verify = true)
    {
        v1::PoolTls tls;
        tls.set_ca_file(caFile);
        tls.set_server_name(serverName);
        if (!verify)
            tls.set_verify(false);
        auto r = TlsClientContext::build(tls);
        if (!r)
            qFatal("client: %s", r.error().c_str());
        return r.value();
    }
    static std::string verifyFailure(long code)
    {
        return std::string("tls: certificate verify failed: ") + X509_verify_cert_error_string(code);
    }

private slots:
    void initTestCase()
    {
        const std::string dir = m_dir.path().toStdString();
        m_ca = std::make_unique<tlstesting::Authority>(dir);
        QVERIFY(QDir().mkpath(m_dir.filePath("other")));
        m_otherCa = std::make_unique<tlstesting::Authority>(dir + "/other", "another test CA");
        m_app = server(m_ca->issue("app", {"app.test"}));
        m_byIp = server(m_ca->issue("byip", {"IP:127.0.0.1"}));
        m_expired = server(m_ca->issue("expired", {"app.test"}, tlstesting::Key::Ecdsa, -100, -10));
        m_clientCert = m_ca->issue("client", {"proxy.test"});
    }

    void aBackendWithTheNamedCertificateVerifies()
    {
        TlsSessionSlot slot;
        const auto r = handshakeWith(m_app, client(m_ca->caFile(), "app.test"), ipv4("127.0.0.1"), &slot);
        QVERIFY2(r.ok, r.clientFailure.c_str());
        QCOMPARE(r.sni, std::string("app.test"));
        QCOMPARE(r.alpn, std::string("http/1.1")); // the only protocol offered: upstreams are HTTP/1.1
        QVERIFY(!r.resumed);
    }

    void refusalsSayWhy_data()
    {
        QTest::addColumn<QString>("serverName");
        QTest::addColumn<bool>("otherCa");
        QTest::addColumn<QString>("backendIp");
        QTest::addColumn<QString>("certificate"); // the backend's: app, byip, expired
        QTest::addColumn<QString>("reason");
        auto because = [](long code) { return QString::fromStdString(verifyFailure(code)); };
        QTest::newRow("hostname mismatch") << "other.test" << false << "127.0.0.1"
                                           << "app" << because(X509_V_ERR_HOSTNAME_MISMATCH);
        // The server sends its chain with the CA in it: a root the client does not trust.
        QTest::newRow("unknown CA") << "app.test" << true << "127.0.0.1"
                                    << "app" << because(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
        QTest::newRow("backend IP not in the certificate") << "" << false << "127.0.0.2"
                                                           << "byip" << because(X509_V_ERR_IP_ADDRESS_MISMATCH);
        QTest::newRow("no IP SAN for the backend's address") << "" << false << "127.0.0.1"
                                                             << "app" << because(X509_V_ERR_IP_ADDRESS_MISMATCH);
        QTest::newRow("expired certificate") << "app.test" << false << "127.0.0.1"
                                             << "expired" << because(X509_V_ERR_CERT_HAS_EXPIRED);
    }
    void refusalsSayWhy()
    {
        QFETCH(QString, serverName);
        QFETCH(bool, otherCa);
        QFETCH(QString, backendIp);
        QFETCH(QString, certificate);
        QFETCH(QString, reason);
        const auto ctx = client((otherCa ? m_otherCa : m_ca)->caFile(), serverName.toStdString());
        const auto &backend = certificate == "byip" ? m_byIp : certificate == "expired" ? m_expired : m_app;
        const auto r = handshakeWith(backend, ctx, ipv4(backendIp.toLatin1().constData()), nullptr);
        QVERIFY(!r.ok);
        QCOMPARE(QString::fromStdString(r.clientFailure), reason);
    }

    void theBackendsIpVerifiesWithoutAServerName()
    {
        const auto r = handshakeWith(m_byIp, client(m_ca->caFile(), ""), ipv4("127.0.0.1"), nullptr);
        QVERIFY2(r.ok, r.clientFailure.c_str());
        QCOMPARE(r.sni, std::string()); // no SNI for an address (RFC 6066 3)
        const auto named = handshakeWith(m_byIp, client(m_ca->caFile(), "127.0.0.1"), ipv4("127.0.0.2"), nullptr);
        QVERIFY2(named.ok, "a server_name that is an IP is checked as one");
        QCOMPARE(named.sni, std::string());
    }

    void verifyOffAcceptsAnyCertificate()
    {
        const auto r =
            handshakeWith(m_app, client(m_otherCa->caFile(), "other.test", false), ipv4("127.0.0.1"), nullptr);
        QVERIFY2(r.ok, r.clientFailure.c_str());
        QCOMPARE(r.sni, std::string("other.test"));
    }

    void aClientCertificateIsPresented()
    {
        v1::PoolTls tls;
        tls.set_ca_file(m_ca->caFile());
        tls.set_server_name("app.test");
        tls.set_cert_file(m_clientCert.certFile);
        tls.set_key_file(m_clientCert.keyFile);
        const auto ctx = TlsClientContext::build(tls);
        QVERIFY2(ctx, ctx ? "" : ctx.error().c_str());
        const auto r = handshakeWith(m_app, ctx.value(), ipv4("127.0.0.1"), nullptr, 0, true);
        QVERIFY2(r.ok, r.clientFailure.c_str());
        QVERIFY(r.clientCertificate);
    }

    void brokenFilesAreRefusedWithTheReason()
    {
        v1::PoolTls tls;
        tls.set_ca_file(m_dir.filePath("nope.pem").toStdString());
        const auto missing = TlsClientContext::build(tls);
        QVERIFY(!missing);
        QVERIFY2(missing.error().find("nope.pem") != std::string::npos, missing.error().c_str());
        tls.set_ca_file(m_ca->caFile());
        tls.set_cert_file(m_clientCert.certFile);
        tls.set_key_file(m_dir.filePath("app.key").toStdString());
        const auto mismatch = TlsClientContext::build(tls);
        QVERIFY(!mismatch);
        QVERIFY2(mismatch.error().rfind("key ", 0) == 0, mismatch.error().c_str());
    }

    // A keep-alive miss opens a new connection: it resumes the last session
    // (TLS 1.3 ticket or TLS 1.2 ticket) instead of a full handshake.
    void theNextConnectionResumesTheSession_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("TLS 1.3") << TLS1_3_VERSION;
        QTest::newRow("TLS 1.2") << TLS1_2_VERSION;
    }
    void theNextConnectionResumesTheSession()
    {
        QFETCH(int, version);
        TlsSessionSlot slot;
        const auto ctx = client(m_ca->caFile(), "app.test");
        const auto first = handshakeWith(m_app, ctx, ipv4("127.0.0.1"), &slot, version);
        QVERIFY2(first.ok, first.clientFailure.c_str());
        QVERIFY(!first.resumed);
        QVERIFY2(slot.session(ctx->id()), "the slot keeps the session the backend gave");
        const auto second = handshakeWith(m_app, ctx, ipv4("127.0.0.1"), &slot, version);
        QVERIFY(second.ok);
        QVERIFY2(second.resumed, "the second connection must resume");
        const auto third = handshakeWith(m_app, ctx, ipv4("127.0.0.1"), &slot, version);
        QVERIFY2(third.resumed, "and so must the next one");
        // A reload builds a new context: what it verifies may have changed.
        const auto reloaded = client(m_ca->caFile(), "app.test");
        QVERIFY(!slot.session(reloaded->id()));
        const auto afterReload = handshakeWith(m_app, reloaded, ipv4("127.0.0.1"), &slot, version);
        QVERIFY(afterReload.ok);
        QVERIFY(!afterReload.resumed);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamTls)
#include "tst_upstreamtls.moc"
