// The bytes a TLS client sends first, through OpenSSL, into the agent's own
// callbacks (SNI → certificate pick, ALPN select, session ticket key) on the
// listener context TlsServerContext::build makes, as in production: two
// certificate groups (a.example as ECDSA + RSA, *.b.example), alpn h2,
// http/1.1, tickets from a shared secret file.
//
// Input: 2 bytes big-endian N, then the client's bytes; the first N (0: all)
// are one flight, the rest a second one (the ClientHello after a
// HelloRetryRequest). Per input a fresh server SSL on memory BIOs (no
// sockets); each flight is written in, then one handshake step, the server's
// answer dropped; last comes the client's end of stream.
// Checked: once the server sent its certificate, it is one of the group
// tls::pickCertificate names for the SNI name (the default without one); the
// protocol ALPN chose is configured and offered, h2 whenever offered (server
// order); a failure classifies to a named reason.
#include "../unit/tlstesting.h"
#include "fuzzcheck.h"
#include "proxy/tlscontext.h"
#include "tls/sni.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace hafront;

namespace {

const std::vector<std::vector<std::string>> kGroupNames = {{"a.example"}, {"*.b.example"}};
const std::vector<std::string> kAlpn = {"h2", "http/1.1"};
// tests/fuzz/make_seeds.py derives the same ticket key from these two (its
// period stays 0 until 2106), so its ticket seed passes the HMAC check.
const std::string kTicketSecret = "hafront fuzz_clienthello session ticket secret!!";
constexpr uint32_t kTicketRotation = 4294967295u;

using X509Ptr = std::unique_ptr<X509, void (*)(X509 *)>;

struct Harness {
    std::shared_ptr<const proxy::TlsServerContext> context;
    std::vector<std::vector<X509Ptr>> leaves; // per group, as loaded
};

// What the observers saw during one input.
struct Seen {
    bool certificateSent = false;
    bool alpnOffered = false;
    std::vector<std::string> offered; // the last ClientHello's ALPN list
} seen;

// Observer only: returns success, the handshake goes on as in production.
int onClientHello(SSL *ssl, int *, void *)
{
    const unsigned char *p = nullptr;
    size_t len = 0;
    seen.offered.clear();
    seen.alpnOffered = SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &p, &len);
    for (size_t at = 2; seen.alpnOffered && at < len; at += 1 + p[at]) // 2: the list's length
        seen.offered.emplace_back(reinterpret_cast<const char *>(p + at + 1), std::min<size_t>(p[at], len - at - 1));
    return SSL_CLIENT_HELLO_SUCCESS;
}

void onInfo(const SSL *ssl, int where, int)
{
    if ((where & SSL_CB_LOOP) && SSL_get_state(ssl) == TLS_ST_SW_CERT)
        seen.certificateSent = true;
}

X509Ptr readLeaf(const std::string &file)
{
    FILE *f = std::fopen(file.c_str(), "r");
    X509 *x = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
    if (f)
        std::fclose(f);
    FUZZ_CHECK(x, "the test certificate reads back");
    return X509Ptr(x, X509_free);
}

void moveBytes(BIO *from, BIO *to)
{
    char buf[4096];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0)
        BIO_write(to, buf, n);
}

// A full handshake with a real client for `name`; returns the server's context
// after the SNI pick, so the ClientHello observer is on every group's context.
SSL_CTX *handshakeFor(const proxy::TlsServerContext &context, const char *name)
{
    SSL_CTX *clientCtx = SSL_CTX_new(TLS_client_method());
    SSL *client = SSL_new(clientCtx);
    SSL_set_tlsext_host_name(client, name);
    SSL_set_alpn_protos(client, reinterpret_cast<const unsigned char *>("\x02h2"), 3);
    SSL_set_bio(client, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(client);
    SSL *server = context.newSsl(-1);
    SSL_set_bio(server, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    bool clientDone = false, serverDone = false;
    for (int round = 0; round < 10 && !(clientDone && serverDone); ++round) {
        clientDone = SSL_do_handshake(client) == 1;
        moveBytes(SSL_get_wbio(client), SSL_get_rbio(server));
        serverDone = SSL_do_handshake(server) == 1;
        moveBytes(SSL_get_wbio(server), SSL_get_rbio(client));
    }
    FUZZ_CHECK(clientDone && serverDone, "a real client completes the handshake");
    SSL_CTX *picked = SSL_get_SSL_CTX(server);
    SSL_free(server);
    SSL_free(client);
    SSL_CTX_free(clientCtx);
    ERR_clear_error();
    return picked;
}

Harness build()
{
    namespace fs = std::filesystem;
    const char *tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_clienthello.XXXXXX";
    FUZZ_CHECK(mkdtemp(dir.data()), "a temporary directory for the certificates");
    Harness h;
    v1::Tls tls;
    {
        tlstesting::Authority ca(dir);
        const std::vector<tlstesting::Issued> issued = {ca.issue("a-ecdsa", {"a.example"}),
                                                        ca.issue("a-rsa", {"a.example"}, tlstesting::Key::Rsa),
                                                        ca.issue("b", {"*.b.example"})};
        for (const auto &i : issued) {
            auto *c = tls.add_certificate();
            c->set_cert_file(i.certFile);
            c->set_key_file(i.keyFile);
        }
        h.leaves.resize(2);
        h.leaves[0].push_back(readLeaf(issued[0].certFile)); // a.example: ECDSA and RSA, one group
        h.leaves[0].push_back(readLeaf(issued[1].certFile));
        h.leaves[1].push_back(readLeaf(issued[2].certFile));
        std::ofstream(dir + "/tickets") << kTicketSecret;
        tls.set_session_ticket_secret_file(dir + "/tickets");
        tls.set_ticket_rotation_s(kTicketRotation);
        for (const auto &p : kAlpn)
            tls.add_alpn(p);
        auto context = proxy::TlsServerContext::build(tls);
        if (!context) {
            std::fprintf(stderr, "fuzz_clienthello: %s\n", context.error().c_str());
            std::abort();
        }
        h.context = context.value();
    }
    fs::remove_all(dir); // everything is loaded
    for (const char *name : {"a.example", "www.b.example"})
        SSL_CTX_set_client_hello_cb(handshakeFor(*h.context, name), onClientHello, nullptr);
    return h;
}

const Harness &harness()
{
    static const Harness h = build();
    return h;
}

bool sentLeafOf(SSL *ssl, size_t group)
{
    X509 *sent = SSL_get_certificate(ssl);
    const auto &leaves = harness().leaves[group];
    return sent &&
           std::any_of(leaves.begin(), leaves.end(), [&](const X509Ptr &x) { return X509_cmp(x.get(), sent) == 0; });
}

void checkAlpn(SSL *ssl)
{
    const unsigned char *p = nullptr;
    unsigned len = 0;
    SSL_get0_alpn_selected(ssl, &p, &len);
    const std::string chosen = p ? std::string(reinterpret_cast<const char *>(p), len) : "";
    const auto offered = [&](const std::string &name) {
        return std::find(seen.offered.begin(), seen.offered.end(), name) != seen.offered.end();
    };
    if (!chosen.empty()) {
        FUZZ_CHECK(std::find(kAlpn.begin(), kAlpn.end(), chosen) != kAlpn.end(), "ALPN chose a configured protocol");
        FUZZ_CHECK(offered(chosen), "ALPN chose a protocol the client offered");
        FUZZ_CHECK(chosen == "h2" || !offered("h2"), "h2 wins whenever offered (server order)");
    }
    if (seen.certificateSent && seen.alpnOffered)
        FUZZ_CHECK(!chosen.empty(), "no certificate goes out after ALPN found nothing in common");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const Harness &h = harness();
    if (size < 2)
        return 0;
    const size_t split = std::min<size_t>(size_t(data[0]) << 8 | data[1], size - 2);
    const std::string bytes(reinterpret_cast<const char *>(data + 2), size - 2);
    const std::vector<std::string> flights =
        split ? std::vector<std::string>{bytes.substr(0, split), bytes.substr(split)} : std::vector<std::string>{bytes};
    seen = Seen{};
    ERR_clear_error();
    // Production's SSL (newSsl), its socket BIO swapped for memory BIOs.
    SSL *ssl = h.context->newSsl(-1);
    FUZZ_CHECK(ssl, "a server SSL");
    BIO *in = BIO_new(BIO_s_mem());
    BIO *out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_info_callback(ssl, onInfo);

    int rc = 0, error = SSL_ERROR_WANT_READ;
    for (size_t round = 0; round <= flights.size() && error == SSL_ERROR_WANT_READ; ++round) {
        if (round < flights.size())
            BIO_write(in, flights[round].data(), int(flights[round].size()));
        else
            BIO_set_mem_eof_return(in, 0); // the client's end of stream
        rc = SSL_do_handshake(ssl);
        error = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, rc);
        (void)BIO_reset(out); // the server's answer: nobody reads it
    }
    // Seen with the tls12-ticket seed: a ticket with our key name and HMAC but a
    // body that does not decrypt left OpenSSL 3.0's "bad decrypt" queued, so
    // SSL_get_error said SSL_ERROR_SSL although the server went on (a full
    // handshake, waiting to read) and production dropped the client. The
    // context's ticket callback now clears it (tst_tlscontext
    // aTicketThatDoesNotOpenGivesAFullHandshake).
    FUZZ_CHECK(rc != 1, "no handshake completes without the server's key exchange");
    const proxy::TlsFailure why = proxy::classifyHandshakeFailure(error);
    FUZZ_CHECK(size_t(why) < size_t(proxy::TlsFailure::Count), "a failure has a named reason");

    if (seen.certificateSent) {
        const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        const size_t group = tls::pickCertificate(kGroupNames, name ? name : "");
        FUZZ_CHECK(sentLeafOf(ssl, group), "the certificate sent is the one the SNI pick names");
    }
    checkAlpn(ssl);
    SSL_free(ssl);
    ERR_clear_error();
    return 0;
}
