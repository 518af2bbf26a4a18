// Http2Session with the real Exchange and UpstreamConnection over in-memory
// transports (tests/fuzz/proxyharness.h): client frames in (built here with
// nghttp2's HPACK deflater), server frames out (read back with its inflater),
// what the backend receives. Each published flood is sent and must end in a
// GOAWAY with ENHANCE_YOUR_CALM, counted by its reason, with no request
// reaching a backend that the budget did not allow.
#include "http/chunked.h"
#include "proxyharness.h"
#include "stats/rejections.h"

#include <nghttp2/nghttp2.h>

#include <QTest>

#include <map>

using namespace hafront::proxy;
using hafront::proxy::testing::ProxyHarness;
using Goaway = hafront::stats::Goaway;

namespace {

const char *kConfig = R"(name: "t"
node { name: "n1" address: "127.0.0.1" }
pool { name: "app" backend { name: "a" address: "127.0.0.1:2" } }
listener { name: "web" bind: "127.0.0.1:1" max_body_bytes: 100000
  http2 { enabled: true max_concurrent_streams: 4 max_header_list_bytes: 8192 }
  route { path_prefix: "/" pool: "app" } }
)";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok";

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string frame(uint8_t type, uint8_t flags, int32_t stream, const std::string &payload)
{
    std::string f;
    const size_t n = payload.size();
    f += char(n >> 16);
    f += char(n >> 8);
    f += char(n);
    f += char(type);
    f += char(flags);
    f += char(uint32_t(stream) >> 24 & 0x7f);
    f += char(uint32_t(stream) >> 16);
    f += char(uint32_t(stream) >> 8);
    f += char(uint32_t(stream));
    return f + payload;
}

std::string u32(uint32_t v)
{
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

// The client: preface, an empty SETTINGS, header blocks from one deflater.
class Client {
public:
    Client() { nghttp2_hd_deflate_new(&m_deflater, 4096); }
    ~Client() { nghttp2_hd_deflate_del(m_deflater); }
    std::string preface() const { return std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + frame(4, 0, 0, ""); }
    std::string block(const Fields &fields)
    {
        std::vector<nghttp2_nv> nva;
        for (const auto &[n, v] : fields)
            nva.push_back({(uint8_t *)n.data(), (uint8_t *)v.data(), n.size(), v.size(), NGHTTP2_NV_FLAG_NONE});
        std::string out(nghttp2_hd_deflate_bound(m_deflater, nva.data(), nva.size()), '\0');
        const auto n = nghttp2_hd_deflate_hd(m_deflater, (uint8_t *)out.data(), out.size(), nva.data(), nva.size());
        out.resize(size_t(n));
        return out;
    }
    std::string headers(int32_t stream, const Fields &fields, bool endStream)
    {
        return frame(1, 0x4 | (endStream ? 0x1 : 0), stream, block(fields));
    }
    static Fields get(const std::string &path)
    {
        return {{":method", "GET"}, {":scheme", "http"}, {":authority", "www"}, {":path", path}};
    }

private:
    nghttp2_hd_deflater *m_deflater = nullptr;
};

// What the server sent, frame by frame.
struct Reply {
    std::map<int32_t, std::string> status, body;
    std::map<int32_t, Fields> fields;              // of every header block, in order
    std::map<int32_t, std::vector<Fields>> blocks; // each header block apart: [1] holds trailers
    std::map<int32_t, std::string> endedBy;        // "DATA" or "HEADERS": the frame with END_STREAM
    std::map<int32_t, uint32_t> reset;             // RST_STREAM error codes
    std::map<int32_t, uint64_t> windowUpdates;     // WINDOW_UPDATE increments, summed
    int goaways = 0;
    uint32_t goawayCode = 0;
    bool malformed = false;
};

Reply parse(const std::string &out)
{
    Reply r;
    nghttp2_hd_inflater *inflater;
    nghttp2_hd_inflate_new(&inflater);
    std::string block;
    int32_t blockStream = 0;
    for (size_t at = 0; at + 9 <= out.size();) {
        const auto *p = reinterpret_cast<const uint8_t *>(out.data() + at);
        const size_t len = size_t(p[0]) << 16 | size_t(p[1]) << 8 | p[2];
        const uint8_t type = p[3], flags = p[4];
        const int32_t stream =
            int32_t((uint32_t(p[5]) << 24 | uint32_t(p[6]) << 16 | uint32_t(p[7]) << 8 | p[8]) & 0x7fffffff);
        if (at + 9 + len > out.size()) {
            r.malformed = true;
            break;
        }
        const std::string payload = out.substr(at + 9, len);
        at += 9 + len;
        if (type == 0)
            r.body[stream] += payload;
        if ((type == 0 || type == 1) && (flags & 0x1))
            r.endedBy[stream] = type == 0 ? "DATA" : "HEADERS";
        if (type == 1 || type == 9) {
            if (type == 1) {
                block.clear(), blockStream = stream;
                r.blocks[stream].emplace_back();
            }
            block += payload;
            if (flags & 0x4) {
                auto *in = reinterpret_cast<uint8_t *>(block.data());
                size_t left = block.size();
                for (;;) {
                    nghttp2_nv nv;
                    int inflateFlags = 0;
                    const auto n = nghttp2_hd_inflate_hd2(inflater, &nv, &inflateFlags, in, left, 1);
                    if (n < 0) {
                        r.malformed = true;
                        break;
                    }
                    in += n;
                    left -= size_t(n);
                    if (inflateFlags & NGHTTP2_HD_INFLATE_EMIT) {
                        const std::string name((char *)nv.name, nv.namelen), value((char *)nv.value, nv.valuelen);
                        if (name == ":status")
                            r.status[blockStream] = value;
                        r.fields[blockStream].emplace_back(name, value);
                        r.blocks[blockStream].back().emplace_back(name, value);
                    }
                    if (inflateFlags & NGHTTP2_HD_INFLATE_FINAL) {
                        nghttp2_hd_inflate_end_headers(inflater);
                        break;
                    }
                    if (n == 0 && left == 0)
                        break;
                }
            }
        }
        if (type == 3 && len == 4)
            r.reset[stream] = uint32_t(uint8_t(payload[0])) << 24 | uint32_t(uint8_t(payload[1])) << 16 |
                              uint32_t(uint8_t(payload[2])) << 8 | uint8_t(payload[3]);
        if (type == 8 && len == 4)
            r.windowUpdates[stream] += (uint32_t(uint8_t(payload[0])) << 24 | uint32_t(uint8_t(payload[1])) << 16 |
                                        uint32_t(uint8_t(payload[2])) << 8 | uint8_t(payload[3])) &
                                       0x7fffffff;
        if (type == 7 && len >= 8) {
            ++r.goaways;
            r.goawayCode = uint32_t(uint8_t(payload[4])) << 24 | uint32_t(uint8_t(payload[5])) << 16 |
                           uint32_t(uint8_t(payload[6])) << 8 | uint8_t(payload[7]);
        }
    }
    nghttp2_hd_inflate_del(inflater);
    return r;
}

std::string upstreamBytes(const ProxyHarness &h)
{
    std::string all;
    for (auto *t : h.upstreamTransports)
        all += t->written;
    return all;
}

template <class Map> std::string of(const Map &m, int32_t stream)
{
    const auto it = m.find(stream);
    if (it == m.end())
        return "none";
    if constexpr (std::is_same_v<typename Map::mapped_type, std::string>)
        return it->second;
    else
        return std::to_string(it->second);
}

std::string budgetConfig(size_t cap)
{
    return R"(name: "t"
node { name: "n1" address: "127.0.0.1" }
pool { name: "app" backend { name: "a" address: "127.0.0.1:2" } }
listener { name: "web" bind: "127.0.0.1:1" max_body_bytes: 10000000
  http2 { enabled: true max_concurrent_streams: 32 initial_window_bytes: 1048576 max_connection_buffer_bytes: )" +
           std::to_string(cap) + R"( }
  route { path_prefix: "/" pool: "app" } }
)";
}

ListenerRuntime &listenerRt(ProxyHarness &h)
{
    return *h.view()->listeners[0].rt;
}

} // namespace

class TestHttp2Session : public QObject {
    Q_OBJECT
private slots:
    // One GET, whatever the read size: the response's status, fields and
    // body; the backend gets HTTP/1.1 with Host from :authority. With
    // readAhead, as under TLS with read ahead, only the first read is
    // announced; the rest waits inside the transport (Transport::pending).
    void getAtEveryReadSize()
    {
        for (const auto &[split, readAhead] :
             {std::pair{size_t(65536), false}, std::pair{size_t(1), false}, std::pair{size_t(7), false},
              std::pair{size_t(1), true}, std::pair{size_t(7), true}}) {
            ProxyHarness h(kConfig);
            QVERIFY(h.ok());
            h.responses.push_back({kOk});
            Client c;
            h.clientReadAhead = readAhead;
            h.connect2(c.preface() + c.headers(1, Client::get("/a?b=1"), true), split, false);
            QVERIFY(h.run(20000, 50'000) < 20000);
            Reply r = parse(h.client().written);
            QVERIFY(!r.malformed);
            QCOMPARE(of(r.status, 1), std::string("200"));
            QCOMPARE(of(r.body, 1), std::string("ok"));
            for (const auto &[n, v] : r.fields[1])
                QVERIFY2(n != "connection", "a hop-by-hop field went to the h2 client");
            const std::string up = upstreamBytes(h);
            QVERIFY2(up.rfind("GET /a?b=1 HTTP/1.1\r\n", 0) == 0, up.c_str());
            QVERIFY(up.find("host: www\r\n") != std::string::npos);
            QVERIFY(up.find("X-Forwarded-For: 192.0.2.50") != std::string::npos);
            QVERIFY(h.sessionAlive());
        }
    }

    void bodiesAndTrailers()
    {
        ProxyHarness h(kConfig);
        h.responses.push_back({kOk});
        h.responses.push_back({kOk});
        Client c;
        Fields post = {
            {":method", "POST"}, {":scheme", "http"}, {":authority", "www"}, {":path", "/p"}, {"content-length", "5"}};
        Fields grpc = {
            {":method", "POST"}, {":scheme", "http"}, {":authority", "www"}, {":path", "/g"}, {"te", "trailers"}};
        std::string in = c.preface() + c.headers(1, post, false) + frame(0, 1, 1, "hello");
        in += c.headers(3, grpc, false); // one deflater: the blocks in order
        in += frame(0, 0, 3, "abc");
        in += c.headers(3, {{"x-checksum", "7"}}, true);
        h.clientReadAhead = true; // all but the first 100 bytes come only through Transport::pending
        h.connect2(in, 100, false);
        h.run(20000, 50'000);
        Reply r = parse(h.client().written);
        QVERIFY2(of(r.status, 1) == "200",
                 (of(r.reset, 1) + " " + of(r.reset, 3) + " goaway " + std::to_string(r.goawayCode) + " " +
                  std::to_string(h.client().written.size()) + " up " + upstreamBytes(h))
                     .c_str());
        QCOMPARE(of(r.status, 3), std::string("200"));
        const std::string up = upstreamBytes(h);
        QVERIFY2(up.find("content-length: 5\r\n") != std::string::npos && up.find("\r\n\r\nhello") != std::string::npos,
                 up.c_str());
        // No length: chunked upstream, the trailers after the last chunk; te is not forwarded.
        QVERIFY2(up.find("Transfer-Encoding: chunked\r\n") != std::string::npos, up.c_str());
        QVERIFY2(up.find("3\r\nabc\r\n0\r\nx-checksum: 7\r\n\r\n") != std::string::npos, up.c_str());
        QVERIFY(up.find("te: trailers") == std::string::npos);
    }

    // A chunked response's trailer section (RFC 9110 6.5): the fields that
    // may be trailers end the stream as a HEADERS frame, names lower-cased;
    // the others are dropped; with none left, END_STREAM stays on the DATA.
    void responseTrailers_data()
    {
        QTest::addColumn<QString>("response"); // what the backend answers
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("trailers"); // "name: value" as the client gets them, '|'-joined
        QTest::addColumn<QString>("endedBy");  // the frame with END_STREAM
        const QString chunked =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Hop\r\nTrailer: grpc-status\r\n"
            "\r\n5\r\nhello\r\n";
        QTest::newRow("gRPC status in a final HEADERS frame")
            << chunked + "0\r\nGrpc-Status: 0\r\ngrpc-message: fine\r\n\r\n"
            << "hello"
            << "grpc-status: 0|grpc-message: fine"
            << "HEADERS";
        QTest::newRow("hop-by-hop and RFC 9110 6.5.1 fields are dropped")
            << chunked + "0\r\nContent-Length: 5\r\nHost: elsewhere\r\nTE: trailers\r\nConnection: close\r\n"
                         "X-Hop: 1\r\nSet-Cookie: a=b\r\nContent-Type: text/html\r\nTrailer: x\r\n"
                         "Authorization: secret\r\nServer-Timing: db;dur=53\r\nX-Checksum: 7\r\n\r\n"
            << "hello"
            << "server-timing: db;dur=53|x-checksum: 7"
            << "HEADERS";
        QTest::newRow("only forbidden fields: no HEADERS, the DATA frame ends the stream")
            << chunked + "0\r\nContent-Length: 5\r\nHost: elsewhere\r\n\r\n"
            << "hello"
            << ""
            << "DATA";
        QTest::newRow("chunked without trailers: unchanged") << chunked + "0\r\n\r\n"
                                                             << "hello"
                                                             << ""
                                                             << "DATA";
        QTest::newRow("a length-delimited body: unchanged") << "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                                                            << "hello"
                                                            << ""
                                                            << "DATA";
        QTest::newRow("an empty chunked body with trailers")
            << "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nGrpc-Status: 12\r\n\r\n"
            << ""
            << "grpc-status: 12"
            << "HEADERS";
    }
    void responseTrailers()
    {
        QFETCH(QString, response);
        QFETCH(QString, body);
        QFETCH(QString, trailers);
        QFETCH(QString, endedBy);
        ProxyHarness h(kConfig);
        QVERIFY(h.ok());
        h.responses.push_back({response.toStdString()});
        h.responses.push_back({kOk});
        Client c;
        std::string in = c.preface() + c.headers(1, Client::get("/t"), true);
        in += c.headers(3, Client::get("/other"), true); // a stream beside it is untouched
        h.connect2(in, 65536, false);
        QVERIFY(h.run(20000, 50'000) < 20000);
        Reply r = parse(h.client().written);
        QVERIFY(!r.malformed);
        QCOMPARE(of(r.status, 1), std::string("200"));
        QCOMPARE(QString::fromStdString(r.body.count(1) ? r.body.at(1) : ""), body);
        QVERIFY2(r.reset.count(1) == 0, of(r.reset, 1).c_str());
        const std::vector<Fields> &blocks = r.blocks[1];
        QCOMPARE(blocks.size(), size_t(trailers.isEmpty() ? 1 : 2));
        QStringList got;
        if (blocks.size() == 2)
            for (const auto &[n, v] : blocks[1])
                got << QString::fromStdString(n + ": " + v);
        QCOMPARE(got.join('|'), trailers);
        bool announced = false;
        for (const auto &[n, v] : blocks[0]) {
            QVERIFY2(n != "grpc-status" && n != "x-checksum", "a trailer field went into the response head");
            announced = announced || (n == "trailer" && v == "grpc-status");
        }
        // Trailer is end-to-end and allowed in HTTP/2 (RFC 9113 8.2.2 lists the connection-specific fields).
        QCOMPARE(announced, response.contains("\r\nTrailer: grpc-status\r\n"));
        QCOMPARE(QString::fromStdString(of(r.endedBy, 1)), endedBy);
        QCOMPARE(of(r.status, 3), std::string("200"));
        QCOMPARE(of(r.body, 3), std::string("ok"));
        QCOMPARE(QString::fromStdString(of(r.endedBy, 3)), QString("DATA"));
    }

    // The trailer section has the budget of a request's (ChunkedDecoder):
    // past it the response is bad, counted, and the begun stream is cut.
    void oversizeTrailerSectionCutsTheStream()
    {
        ProxyHarness h(kConfig);
        const std::string big(hafront::http::ChunkedDecoder::kMaxTrailerBytes, 'x');
        h.responses.push_back(
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Big: " + big + "\r\n\r\n"});
        Client c;
        h.connect2(c.preface() + c.headers(1, Client::get("/big"), true), 65536, false);
        h.run(20000, 50'000);
        Reply r = parse(h.client().written);
        QCOMPARE(of(r.status, 1), std::string("200"));
        QCOMPARE(of(r.reset, 1), std::to_string(NGHTTP2_INTERNAL_ERROR));
        QCOMPARE(r.blocks[1].size(), size_t(1)); // no trailers
        QVERIFY(of(r.endedBy, 1) == "none");
        QCOMPARE(h.view()->pools[0]->backends[0].rt->errorCount(hafront::stats::BackendError::Protocol), uint64_t(1));
        QCOMPARE(r.goaways, 0); // a stream error, the connection stays
    }

    // Requests that never reach a backend.
    void refusedRequests_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("expect"); // "status NNN" or "reset N"
        QTest::newRow("content-length longer than the DATA") << "cl-short"
                                                             << "reset 1";
        QTest::newRow("content-length shorter than the DATA") << "cl-long"
                                                              << "reset 1";
        QTest::newRow(":authority and Host differ") << "host"
                                                    << "status 400";
        QTest::newRow("connection-specific field (RFC 9113 8.2.2)") << "connection"
                                                                    << "reset 1";
        QTest::newRow("transfer-encoding") << "te"
                                           << "reset 1";
        QTest::newRow("no :authority, no Host") << "nohost"
                                                << "reset 1";
        QTest::newRow("CONNECT") << "connect"
                                 << "status 405";
        QTest::newRow("body over max_body_bytes") << "big"
                                                  << "status 413";
    }
    void refusedRequests()
    {
        QFETCH(QString, what);
        QFETCH(QString, expect);
        ProxyHarness h(kConfig);
        h.responses.push_back({kOk});
        Client c;
        Fields f = {{":method", "POST"}, {":scheme", "http"}, {":authority", "www"}, {":path", "/r"}};
        std::string in = c.preface();
        if (what == "cl-short") {
            f.emplace_back("content-length", "10");
            in += c.headers(1, f, false) + frame(0, 1, 1, "12345");
        } else if (what == "cl-long") {
            f.emplace_back("content-length", "3");
            in += c.headers(1, f, false) + frame(0, 1, 1, "12345");
        } else if (what == "host") {
            f.emplace_back("host", "other");
            in += c.headers(1, f, true);
        } else if (what == "connection") {
            f.emplace_back("connection", "keep-alive");
            in += c.headers(1, f, true);
        } else if (what == "te") {
            f.emplace_back("transfer-encoding", "chunked");
            in += c.headers(1, f, true);
        } else if (what == "nohost") {
            in += c.headers(1, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}}, true);
        } else if (what == "connect") {
            in += c.headers(1, {{":method", "CONNECT"}, {":authority", "www:443"}}, true);
        } else if (what == "big") {
            f.emplace_back("content-length", "200000");
            in += c.headers(1, f, false);
            in += frame(0, 0, 1, std::string(1000, 'x')); // more would follow
        }
        h.connect2(in, 65536, false);
        h.run(20000, 50'000);
        Reply r = parse(h.client().written);
        const QStringList e = expect.split(' ');
        if (e[0] == "status")
            QCOMPARE(QString::fromStdString(r.status.count(1) ? of(r.status, 1) : "none"), e[1]);
        else
            QVERIFY2(r.reset.count(1) && r.reset.at(1) == e[1].toUInt(),
                     qPrintable("no RST_STREAM " + e[1] + ", status " +
                                QString::fromStdString(r.status.count(1) ? of(r.status, 1) : "none")));
        // Nothing complete went upstream (a body under 64 KiB is held until it is whole).
        QCOMPARE(QString::fromStdString(upstreamBytes(h)), QString());
        QCOMPARE(r.goaways, 0); // a stream error, the connection stays
    }

    // Every flood ends the connection with GOAWAY(ENHANCE_YOUR_CALM), counted by reason.
    void floods_data()
    {
        QTest::addColumn<QString>("attack");
        QTest::addColumn<int>("reason");
        QTest::newRow("PING flood") << "ping" << int(Goaway::ControlFlood);
        QTest::newRow("SETTINGS flood") << "settings" << int(Goaway::ControlFlood);
        QTest::newRow("empty DATA flood") << "data" << int(Goaway::ControlFlood);
        QTest::newRow("CONTINUATION flood (2024)") << "continuation" << int(Goaway::Continuation);
        QTest::newRow("HPACK bomb") << "hpack" << int(Goaway::HeaderList);
        QTest::newRow("rapid reset (CVE-2023-44487)") << "reset" << int(Goaway::RapidReset);
        QTest::newRow("streams beyond the limit, again and again") << "streams" << int(Goaway::ControlFlood);
    }
    void floods()
    {
        QFETCH(QString, attack);
        QFETCH(int, reason);
        ProxyHarness h(kConfig);
        for (int i = 0; i < 8; ++i)
            h.responses.push_back({kOk, kOk, kOk, kOk});
        Client c;
        std::string in = c.preface();
        const int n = 2000;
        if (attack == "ping") {
            for (int i = 0; i < n; ++i)
                in += frame(6, 0, 0, std::string(8, char(i)));
        } else if (attack == "settings") {
            for (int i = 0; i < n; ++i)
                in += frame(4, 0, 0, "");
        } else if (attack == "data") {
            Fields f = {{":method", "POST"}, {":scheme", "http"}, {":authority", "www"}, {":path", "/d"}};
            in += c.headers(1, f, false);
            for (int i = 0; i < n; ++i)
                in += frame(0, 0, 1, "");
        } else if (attack == "continuation") {
            in += frame(1, 0, 1, c.block(Client::get("/c")));
            for (int i = 0; i < n; ++i)
                in += frame(9, 0, 1, c.block({{"x-pad", "y"}}));
        } else if (attack == "hpack") {
            // One 4000-byte field into the dynamic table, then a block of
            // 4000 one-byte references to it: 16 MB decoded from 4 KB.
            // One 3000-byte field into the dynamic table (nghttp2's deflater
            // indexes up to 3/4 of the table), then 4000 one-byte references
            // to it: 12 MB decoded from 7 KB.
            std::string block = c.block(Client::get("/h"));
            block += c.block({{"x-big", std::string(3000, 'b')}});
            block += std::string(4000, char(0xbe)); // indexed field 62: the newest dynamic entry
            in += frame(1, 0x5, 1, block);
        } else if (attack == "reset") {
            for (int i = 0; i < n; ++i) {
                const int32_t id = 1 + 2 * i;
                in += c.headers(id, Client::get("/rr"), true) + frame(3, 0, id, u32(8));
            }
        } else if (attack == "streams") {
            for (int i = 0; i < n; ++i)
                in += c.headers(1 + 2 * i, Client::get("/s"), true);
        }
        h.connect2(in, 65536, false);
        const int turns = h.run(20000, 50'000);
        QVERIFY(turns < 20000);
        Reply r = parse(h.client().written);
        QCOMPARE(r.goaways, 1);
        QCOMPARE(r.goawayCode, uint32_t(NGHTTP2_ENHANCE_YOUR_CALM));
        QVERIFY(!h.sessionAlive());
        QCOMPARE(listenerRt(h).h2Goaway[size_t(reason)].load(), uint64_t(1));
        // The harness clock stands still while input flows: the budget is its burst.
        QVERIFY2(h.upstreamsOpened <= int(Http2Session::kResetBurst) + 4,
                 qPrintable(QString::number(h.upstreamsOpened)));
    }

    // The client's window stays shut: the response waits in a bounded buffer,
    // the backend is paused, and the idle timeout ends the connection.
    void zeroWindowStallIsBoundedAndTimesOut()
    {
        ProxyHarness h(kConfig);
        const std::string big(4u << 20, 'z');
        h.responses.push_back({"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big});
        Client c;
        // SETTINGS_INITIAL_WINDOW_SIZE = 0.
        std::string in =
            std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + frame(4, 0, 0, std::string("\x00\x04", 2) + u32(0));
        in += c.headers(1, Client::get("/big"), true);
        auto *s = h.connect2(in, 65536, false);
        h.run(200, 50'000, 5); // a few quiet ticks: not yet the idle timeout
        QVERIFY(h.sessionAlive());
        QVERIFY2(s->memoryInUse() < Http2Session::kMemoryCap, "nghttp2 memory over its cap");
        Reply before = parse(h.client().written);
        QCOMPARE(of(before.status, 1), std::string("200"));
        QVERIFY(before.body.count(1) == 0); // window 0: not one byte of DATA
        h.run(20000, 1'000'000, 200);       // let the 60 s idle timeout pass
        QVERIFY(!h.sessionAlive());
        QCOMPARE(listenerRt(h).h2Goaway[size_t(Goaway::Idle)].load(), uint64_t(1));
    }

    // Sixteen responses the client does not read yet: each stream alone may
    // hold kStreamBuffer (16 x 320 KiB with the read that fills it), but the
    // connection's budget pauses every backend once all of them hold the cap.
    // Opening the window then delivers every response whole.
    void responsesTogetherStayWithinTheConnectionBudget()
    {
        const size_t cap = 512u << 10;
        ProxyHarness h(budgetConfig(cap));
        const std::string big(1u << 20, 'r');
        for (int i = 0; i < 16; ++i)
            h.responses.push_back(
                {"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big});
        Client c;
        std::string in = // SETTINGS_INITIAL_WINDOW_SIZE = 0: no DATA until the client opens it
            std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + frame(4, 0, 0, std::string("\x00\x04", 2) + u32(0));
        for (int32_t id = 1; id <= 31; id += 2)
            in += c.headers(id, Client::get("/big"), true);
        auto *s = h.connect2(in, 65536, false);
        h.run(400, 50'000, 5);
        QCOMPARE(h.upstreamsOpened, 16);
        QVERIFY2(s->bufferedBytes() <= cap + 65536, qPrintable(QString::number(s->bufferedBytes())));
        QVERIFY2(s->bufferedBytes() >= cap / 2, "the budget was not used");

        h.client().incoming += frame(4, 0, 0, std::string("\x00\x04", 2) + u32(1u << 30)) + // open every stream
                               frame(8, 0, 0, u32(1u << 30));                               // and the connection
        h.run(20000, 50'000, 5);
        Reply r = parse(h.client().written);
        for (int32_t id = 1; id <= 31; id += 2) {
            QCOMPARE(of(r.status, id), std::string("200"));
            QCOMPARE(r.body[id].size(), big.size());
        }
        QCOMPARE(s->bufferedBytes(), size_t(0));
    }

    // Eight request bodies to backends that take nothing: each stream alone
    // may hold kRequestHeld, so without the budget every byte is given back
    // to the client's window; with it, what the connection returns stays
    // within the cap until the backends read, and then all of it goes back.
    void requestsTogetherStayWithinTheConnectionBudget()
    {
        const size_t cap = 256u << 10;
        const size_t body = 128u << 10; // 8 x 128 KiB: the 1 MiB connection window
        ProxyHarness h(budgetConfig(cap));
        h.upstreamWriteLimit = 0;
        for (int i = 0; i < 8; ++i)
            h.responses.push_back({kOk});
        Client c;
        std::string in = c.preface() + frame(4, 0x1, 0, ""); // and the ACK: the 1 MiB stream windows apply
        for (int32_t id = 1; id <= 15; id += 2) {
            Fields post = {{":method", "POST"},
                           {":scheme", "http"},
                           {":authority", "www"},
                           {":path", "/up"},
                           {"content-length", std::to_string(body)}};
            in += c.headers(id, post, false);
            for (size_t at = 0; at < body; at += 16384)
                in += frame(0, at + 16384 >= body ? 0x1 : 0, id, std::string(16384, 'q'));
        }
        auto *s = h.connect2(in, 65536, false);
        const uint64_t opening = parse(h.client().written).windowUpdates[0]; // the 1 MiB connection window
        h.run(400, 50'000, 5);
        QCOMPARE(h.upstreamsOpened, 8);
        const uint64_t returned = parse(h.client().written).windowUpdates[0] - opening;
        QVERIFY2(returned <= cap + 16384, qPrintable(QString::number(returned)));
        QVERIFY2(s->bufferedBytes() >= cap, "the bodies are not held");

        for (auto *t : h.upstreamTransports)
            t->writeLimit = SIZE_MAX; // the backends read
        h.run(20000, 50'000, 5);
        Reply r = parse(h.client().written);
        for (int32_t id = 1; id <= 15; id += 2)
            QCOMPARE(of(r.status, id), std::string("200"));
        QVERIFY2(r.windowUpdates[0] - opening >= 8 * body / 2, qPrintable(QString::number(r.windowUpdates[0])));
        size_t bodies = 0;
        for (auto *t : h.upstreamTransports)
            bodies += size_t(std::count(t->written.begin(), t->written.end(), 'q'));
        QCOMPARE(bodies, 8 * body);
    }

    void drainSendsGoawayAndFinishesStreams()
    {
        ProxyHarness h(kConfig);
        h.responses.push_back({kOk});
        Client c;
        auto *s = h.connect2(c.preface() + c.headers(1, Client::get("/x"), true), 65536, false);
        h.run(1); // the request is read
        s->drain();
        h.run(20000, 50'000);
        Reply r = parse(h.client().written);
        QCOMPARE(r.goaways, 1);
        QCOMPARE(r.goawayCode, uint32_t(NGHTTP2_NO_ERROR));
        QCOMPARE(of(r.status, 1), std::string("200"));
        QVERIFY(!h.sessionAlive());
        QCOMPARE(listenerRt(h).h2Goaway[size_t(Goaway::Drain)].load(), uint64_t(1));
    }
};

QTEST_GUILESS_MAIN(TestHttp2Session)
#include "tst_http2session.moc"
