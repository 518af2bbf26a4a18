// The Prometheus endpoint: text exposition 0.0.4 (HELP and TYPE per family,
// escaped label values, counters ending in _total, seconds as the unit, an
// exact cumulative latency histogram) and the strict, bounded HTTP side.
#include "metrics/exposition.h"
#include "metrics/nodemetrics.h"
#include "metrics/scraperequest.h"
#include "stats/histogram.h"

#include "hafront/v1/control.pb.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace hafront;
using hafront::metrics::Exposition;
using hafront::metrics::MetricType;
using hafront::metrics::NodeMetrics;
using hafront::metrics::ScrapeRequest;

Q_DECLARE_METATYPE(std::string)

namespace {

// Fills a status histogram the way the proxy does: non-empty buckets only.
void fillHistogram(v1::LatencyHistogram &out, const std::vector<uint64_t> &micros)
{
    stats::LatencyHistogram h;
    for (uint64_t m : micros)
        h.record(m);
    const auto counts = h.snapshot();
    uint64_t total = 0;
    for (int i = 0; i < stats::LatencyHistogram::kBuckets; ++i)
        if (counts[size_t(i)]) {
            out.add_upper_bound_ms(double(stats::LatencyHistogram::upperBoundMicros(i)) / 1000.0);
            out.add_count(counts[size_t(i)]);
            total += counts[size_t(i)];
        }
    out.set_total(total);
    out.set_sum_ms(double(h.sumMicros()) / 1000.0);
}

v1::NodeStatus sampleStatus()
{
    v1::NodeStatus s;
    s.set_node("fe1");
    s.set_cluster("shop");
    s.set_address("192.0.2.11");
    s.set_agent_version("0.1.0");
    s.set_config_generation(4);
    s.set_last_event_seq(17);
    auto *vip = s.add_vips();
    vip->set_name("www");
    vip->set_vrid(51);
    vip->set_address("192.0.2.100/24");
    vip->set_interface("eth0");
    vip->set_state(v1::MASTER);
    vip->set_configured_priority(150);
    vip->set_effective_priority(140);
    vip->set_transitions(3);
    vip->set_last_transition_wall_us(1'700'000'000'500'000);
    vip->set_adverts_sent(99);
    auto *dropped = vip->add_dropped();
    dropped->set_name("bad checksum");
    dropped->set_value(2);
    auto *tracker = vip->add_trackers();
    tracker->set_name("nginx");
    tracker->set_kind("process");
    tracker->set_ok(false);
    auto *pool = s.add_pools();
    pool->set_name("app");
    pool->set_backends_up(1);
    auto *b = pool->add_backends();
    b->set_name("a");
    b->set_address("127.0.0.1:8080");
    b->set_weight(7);
    b->set_configured_weight(3);
    b->set_effective_weight(7);
    b->set_state(v1::DRAIN);
    b->set_health(v1::UP);
    b->set_requests_total(42);
    b->set_responses_2xx(40);
    b->set_responses_5xx(2);
    b->set_active_connections(5);
    auto *err = b->add_errors();
    err->set_name("timeout");
    err->set_value(4);
    err = b->add_errors();
    err->set_name("surprise"); // a class this renderer does not know yet
    err->set_value(1);
    fillHistogram(*b->mutable_latency(), {10, 31, 32, 1000, 1023, 1024, 60'000'000});
    auto *odd = pool->add_backends();
    odd->set_name("we\"ird\\name\nx");
    auto *secure = s.add_pools(); // tls { }: its handshake counters are series, the plain pool's are not
    secure->set_name("secure");
    secure->set_tls(true);
    auto *sb = secure->add_backends();
    sb->set_name("s");
    sb->set_tls_handshakes_total(12);
    sb->set_tls_resumed_total(10);
    auto *l = s.add_listeners();
    l->set_name("web");
    l->set_bind("0.0.0.0:80");
    l->set_listening(true);
    l->set_requests_total(50);
    auto *rejected = l->add_rejected();
    rejected->set_name("431");
    rejected->set_value(6);
    l->set_h2_connections_active(3);
    l->set_h2_resets_received_total(9);
    auto *goaway = l->add_h2_goaway_sent();
    goaway->set_name("rapid_reset");
    goaway->set_value(2);
    return s;
}

std::vector<std::string> linesOf(const std::string &text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// name{labels} value -> value, for exact-line lookups.
std::map<std::string, std::string> samplesOf(const std::string &text)
{
    std::map<std::string, std::string> samples;
    for (const auto &line : linesOf(text))
        if (!line.empty() && line[0] != '#') {
            const size_t space = line.rfind(' ');
            samples[line.substr(0, space)] = line.substr(space + 1);
        }
    return samples;
}

std::string metricName(const std::string &sampleKey)
{
    return sampleKey.substr(0, sampleKey.find('{'));
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private slots:
    void labelValuesAreEscaped_data()
    {
        QTest::addColumn<std::string>("value");
        QTest::addColumn<std::string>("escaped");
        QTest::newRow("plain") << std::string("app1") << std::string("app1");
        QTest::newRow("double quote") << std::string("a\"b") << std::string("a\\\"b");
        QTest::newRow("backslash") << std::string("a\\b") << std::string("a\\\\b");
        QTest::newRow("newline") << std::string("a\nb") << std::string("a\\nb");
        QTest::newRow("all three") << std::string("\\\"\n") << std::string("\\\\\\\"\\n");
        QTest::newRow("utf-8 kept") << std::string("caf\xc3\xa9") << std::string("caf\xc3\xa9");
        QTest::newRow("braces and commas kept") << std::string("{a=b,c}") << std::string("{a=b,c}");
    }
    void labelValuesAreEscaped()
    {
        QFETCH(std::string, value);
        QFETCH(std::string, escaped);
        QCOMPARE(Exposition::escapeLabelValue(value), escaped);
    }

    void helpEscapesBackslashAndNewlineOnly()
    {
        QCOMPARE(Exposition::escapeHelp("a \"b\" \\ c\nd"), std::string("a \"b\" \\\\ c\\nd"));
    }

    void valuesUsePrometheusSpelling_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<std::string>("text");
        QTest::newRow("zero") << 0.0 << std::string("0");
        QTest::newRow("integer") << 42.0 << std::string("42");
        QTest::newRow("fraction") << 0.25 << std::string("0.25");
        QTest::newRow("unix time") << 1700000000.5 << std::string("1700000000.5");
        QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << std::string("+Inf");
        QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << std::string("-Inf");
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << std::string("NaN");
    }
    void valuesUsePrometheusSpelling()
    {
        QFETCH(double, value);
        QFETCH(std::string, text);
        QCOMPARE(Exposition::formatValue(value), text);
        if (std::isfinite(value))
            QCOMPARE(std::stod(text), value);
    }

    void familySamplesAreWrittenTogetherAfterHelpAndType()
    {
        Exposition out;
        out.family("x_total", MetricType::Counter, "X things.");
        out.family("y", MetricType::Gauge, "Y now.");
        out.sample("x_total", {{"k", "1"}}, uint64_t(1));
        out.sample("y", {}, 2.5);
        out.sample("x_total", {{"k", "2"}}, uint64_t(3));
        QCOMPARE(out.text(), std::string("# HELP x_total X things.\n"
                                         "# TYPE x_total counter\n"
                                         "x_total{k=\"1\"} 1\n"
                                         "x_total{k=\"2\"} 3\n"
                                         "# HELP y Y now.\n"
                                         "# TYPE y gauge\n"
                                         "y 2.5\n"));
    }

    void familiesWithoutSamplesAreLeftOut()
    {
        Exposition out;
        out.family("empty", MetricType::Gauge, "Nothing yet.");
        out.family("one_total", MetricType::Counter, "One.");
        out.sample("one_total", {}, uint64_t(1));
        QCOMPARE(out.text(), std::string("# HELP one_total One.\n# TYPE one_total counter\none_total 1\n"));
        v1::NodeStatus noVips = sampleStatus();
        noVips.clear_vips();
        QVERIFY(NodeMetrics::render(noVips, 0).find("hafront_vip_") == std::string::npos);
    }

    void everyFamilyHasHelpAndTypeAndCountersEndInTotal()
    {
        const std::string text = NodeMetrics::render(sampleStatus(), 1.7e9);
        std::map<std::string, std::string> types;
        std::set<std::string> helped;
        std::string current;
        for (const auto &line : linesOf(text)) {
            QVERIFY2(!line.empty(), "no blank lines");
            if (line.rfind("# HELP ", 0) == 0) {
                current = line.substr(7, line.find(' ', 7) - 7);
                QVERIFY2(helped.insert(current).second, current.c_str());
                QVERIFY2(Exposition::isValidName(current), current.c_str());
                QVERIFY2(current.rfind("hafront_", 0) == 0, current.c_str());
            } else if (line.rfind("# TYPE ", 0) == 0) {
                const std::string name = line.substr(7, line.find(' ', 7) - 7);
                QCOMPARE(name, current);
                types[name] = line.substr(line.rfind(' ') + 1);
                if (types[name] == "counter")
                    QVERIFY2(name.size() > 6 && name.substr(name.size() - 6) == "_total", name.c_str());
                else
                    QVERIFY2(name.find("_total") == std::string::npos, name.c_str());
            } else {
                // A sample belongs to the family declared just above it.
                const std::string name = metricName(line.substr(0, line.rfind(' ')));
                const bool ok =
                    name == current ||
                    (types[current] == "histogram" &&
                     (name == current + "_bucket" || name == current + "_count" || name == current + "_sum"));
                QVERIFY2(ok, line.c_str());
            }
        }
        QCOMPARE(types["hafront_backend_latency_seconds"], std::string("histogram"));
        QCOMPARE(types["hafront_vip_state"], std::string("gauge"));
        QCOMPARE(types["hafront_backend_requests_total"], std::string("counter"));
    }

    void noSeriesIsWrittenTwice()
    {
        const std::string text = NodeMetrics::render(sampleStatus(), 1.7e9);
        std::set<std::string> seen;
        for (const auto &line : linesOf(text))
            if (line[0] != '#')
                QVERIFY2(seen.insert(line.substr(0, line.rfind(' '))).second, line.c_str());
    }

    void statusValuesAppearAsSamples_data()
    {
        QTest::addColumn<std::string>("series");
        QTest::addColumn<std::string>("value");
        auto row = [](const char *series, const char *value) {
            QTest::newRow(series) << std::string(series) << std::string(value);
        };
        row("hafront_build_info{version=\"0.1.0\"}", "1");
        row("hafront_node_info{node=\"fe1\",cluster=\"shop\",address=\"192.0.2.11\"}", "1");
        row("hafront_agent_start_time_seconds", "1700000000");
        row("hafront_config_generation", "4");
        row("hafront_events_total", "17");
        row("hafront_vip_state{vip=\"www\",state=\"master\"}", "1");
        row("hafront_vip_state{vip=\"www\",state=\"backup\"}", "0");
        row("hafront_vip_state{vip=\"www\",state=\"fault\"}", "0");
        row("hafront_vip_state{vip=\"www\",state=\"initialize\"}", "0");
        row("hafront_vip_transitions_total{vip=\"www\"}", "3");
        row("hafront_vip_last_transition_time_seconds{vip=\"www\"}", "1700000000.5");
        row("hafront_vip_priority{vip=\"www\"}", "140");
        row("hafront_vip_configured_priority{vip=\"www\"}", "150");
        row("hafront_vip_adverts_sent_total{vip=\"www\"}", "99");
        row("hafront_vip_dropped_packets_total{vip=\"www\",reason=\"bad checksum\"}", "2");
        row("hafront_vip_tracker_up{vip=\"www\",tracker=\"nginx\",kind=\"process\"}", "0");
        row("hafront_vip_info{vip=\"www\",vrid=\"51\",address=\"192.0.2.100/24\",interface=\"eth0\"}", "1");
        row("hafront_pool_backends_up{pool=\"app\"}", "1");
        row("hafront_backend_requests_total{pool=\"app\",backend=\"a\"}", "42");
        row("hafront_backend_responses_total{pool=\"app\",backend=\"a\",code=\"2xx\"}", "40");
        row("hafront_backend_responses_total{pool=\"app\",backend=\"a\",code=\"5xx\"}", "2");
        row("hafront_backend_errors_total{pool=\"app\",backend=\"a\",class=\"timeout\"}", "4");
        row("hafront_backend_errors_total{pool=\"app\",backend=\"a\",class=\"connect\"}", "0");
        row("hafront_backend_errors_total{pool=\"app\",backend=\"a\",class=\"surprise\"}", "1");
        row("hafront_backend_active_connections{pool=\"app\",backend=\"a\"}", "5");
        row("hafront_backend_weight{pool=\"app\",backend=\"a\"}", "7");
        row("hafront_backend_configured_weight{pool=\"app\",backend=\"a\"}", "3");
        row("hafront_backend_health{pool=\"app\",backend=\"a\",health=\"up\"}", "1");
        row("hafront_backend_health{pool=\"app\",backend=\"a\",health=\"down\"}", "0");
        row("hafront_backend_state{pool=\"app\",backend=\"a\",state=\"drain\"}", "1");
        row("hafront_backend_state{pool=\"app\",backend=\"a\",state=\"ready\"}", "0");
        row("hafront_backend_info{pool=\"app\",backend=\"a\",address=\"127.0.0.1:8080\",backup=\"false\"}", "1");
        row("hafront_backend_requests_total{pool=\"app\",backend=\"we\\\"ird\\\\name\\nx\"}", "0");
        row("hafront_backend_tls_handshakes_total{pool=\"secure\",backend=\"s\"}", "12");
        row("hafront_backend_tls_resumed_handshakes_total{pool=\"secure\",backend=\"s\"}", "10");
        row("hafront_listener_up{listener=\"web\"}", "1");
        row("hafront_listener_requests_total{listener=\"web\"}", "50");
        row("hafront_listener_rejected_requests_total{listener=\"web\",code=\"431\"}", "6");
        row("hafront_listener_rejected_requests_total{listener=\"web\",code=\"400\"}", "0");
        row("hafront_listener_h2_connections_active{listener=\"web\"}", "3");
        row("hafront_listener_h2_resets_received_total{listener=\"web\"}", "9");
        row("hafront_listener_h2_goaway_sent_total{listener=\"web\",reason=\"rapid_reset\"}", "2");
        row("hafront_listener_h2_goaway_sent_total{listener=\"web\",reason=\"drain\"}", "0");
    }
    void statusValuesAppearAsSamples()
    {
        QFETCH(std::string, series);
        QFETCH(std::string, value);
        const auto samples = samplesOf(NodeMetrics::render(sampleStatus(), 1.7e9));
        const auto it = samples.find(series);
        QVERIFY2(it != samples.end(), series.c_str());
        QCOMPARE(it->second, value);
    }

    // 10, 31 < 32 µs; 32 is not <= 32 µs once the clock's truncation is undone;
    // 1000 and 1023 < 1024; 1024 is in the next bucket; 60 s only in +Inf.
    void tlsHandshakeSeriesAreForTlsPoolsOnly()
    {
        const auto samples = samplesOf(NodeMetrics::render(sampleStatus(), 1.7e9));
        QVERIFY(samples.count("hafront_backend_tls_handshakes_total{pool=\"secure\",backend=\"s\"}"));
        QVERIFY(!samples.count("hafront_backend_tls_handshakes_total{pool=\"app\",backend=\"a\"}"));
        QVERIFY(!samples.count("hafront_backend_tls_resumed_handshakes_total{pool=\"app\",backend=\"a\"}"));
    }

    void latencyBucketsAreCumulativeAndExact_data()
    {
        QTest::addColumn<std::string>("le");
        QTest::addColumn<std::string>("count");
        QTest::newRow("32 us") << std::string("0.000032") << std::string("2");
        QTest::newRow("64 us") << std::string("0.000064") << std::string("3");
        QTest::newRow("512 us") << std::string("0.000512") << std::string("3");
        QTest::newRow("1024 us") << std::string("0.001024") << std::string("5");
        QTest::newRow("2048 us") << std::string("0.002048") << std::string("6");
        QTest::newRow("33.5 s") << std::string("33.554432") << std::string("6");
        QTest::newRow("+Inf") << std::string("+Inf") << std::string("7");
    }
    void latencyBucketsAreCumulativeAndExact()
    {
        QFETCH(std::string, le);
        QFETCH(std::string, count);
        const auto samples = samplesOf(NodeMetrics::render(sampleStatus(), 1.7e9));
        const std::string key = "hafront_backend_latency_seconds_bucket{pool=\"app\",backend=\"a\",le=\"" + le + "\"}";
        QVERIFY2(samples.count(key), key.c_str());
        QCOMPARE(samples.at(key), count);
        QCOMPARE(samples.at("hafront_backend_latency_seconds_count{pool=\"app\",backend=\"a\"}"), std::string("7"));
        // The exact sum of the 7 recorded times: 10+31+32+1000+1023+1024+60,000,000 µs.
        QCOMPARE(std::stod(samples.at("hafront_backend_latency_seconds_sum{pool=\"app\",backend=\"a\"}")), 60.00312);
    }

    void latencyBucketsNeverDecrease()
    {
        uint64_t last = 0;
        int buckets = 0;
        for (const auto &line : linesOf(NodeMetrics::render(sampleStatus(), 1.7e9)))
            if (line.rfind("hafront_backend_latency_seconds_bucket{pool=\"app\",backend=\"a\"", 0) == 0) {
                const uint64_t v = std::stoull(line.substr(line.rfind(' ') + 1));
                QVERIFY2(v >= last, line.c_str());
                last = v;
                ++buckets;
            }
        QCOMPARE(buckets, int(NodeMetrics::latencyBoundsMicros().size()) + 1);
    }

    void latencyBoundsAreEdgesOfTheAgentHistogram()
    {
        std::set<uint64_t> edges;
        for (int i = 0; i < stats::LatencyHistogram::kBuckets; ++i)
            edges.insert(stats::LatencyHistogram::upperBoundMicros(i));
        for (uint64_t bound : NodeMetrics::latencyBoundsMicros())
            QVERIFY2(edges.count(bound), std::to_string(bound).c_str());
    }

    void requestHeadIsParsedStrictly_data()
    {
        QTest::addColumn<std::string>("bytes");
        QTest::addColumn<int>("parse");  // 0 need more, 1 ready, 2 bad
        QTest::addColumn<int>("status"); // of the response
        const int more = 0, ready = 1, bad = 2;
        auto row = [](const char *name, std::string bytes, int parse, int status) {
            QTest::newRow(name) << std::move(bytes) << parse << status;
        };
        row("prometheus scrape", "GET /metrics HTTP/1.1\r\nHost: fe1:9464\r\nAccept: text/plain\r\n\r\n", ready, 200);
        row("query string ignored", "GET /metrics?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", ready, 200);
        row("HEAD", "HEAD /metrics HTTP/1.1\r\nHost: h\r\n\r\n", ready, 200);
        row("HTTP/1.0 needs no Host", "GET /metrics HTTP/1.0\r\n\r\n", ready, 200);
        row("other path", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", ready, 404);
        row("prefix is not the path", "GET /metricsx HTTP/1.1\r\nHost: h\r\n\r\n", ready, 404);
        row("POST", "POST /metrics HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", ready, 405);
        row("DELETE", "DELETE /metrics HTTP/1.1\r\nHost: h\r\n\r\n", ready, 405);
        row("half a request line", "GET /metr", more, 0);
        row("head not finished", "GET /metrics HTTP/1.1\r\nHost: h\r\n", more, 0);
        row("CR of the last CRLF pending", "GET /metrics HTTP/1.1\r\nHost: h\r\n\r", more, 0);
        row("no Host in HTTP/1.1", "GET /metrics HTTP/1.1\r\n\r\n", bad, 400);
        row("two Hosts", "GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", bad, 400);
        row("bare LF", "GET /metrics HTTP/1.1\nHost: h\n\n", bad, 400);
        row("bare CR", "GET /metrics HTTP/1.1\rHost: h\r\n\r\n", bad, 400);
        row("obs-fold", "GET /metrics HTTP/1.1\r\nHost: h\r\n x\r\n\r\n", bad, 400);
        row("space before colon", "GET /metrics HTTP/1.1\r\nHost : h\r\n\r\n", bad, 400);
        row("no colon", "GET /metrics HTTP/1.1\r\nHost h\r\n\r\n", bad, 400);
        row("control character in value", std::string("GET /metrics HTTP/1.1\r\nHost: h\x01\r\n\r\n"), bad, 400);
        row("absolute form", "GET http://h/metrics HTTP/1.1\r\nHost: h\r\n\r\n", bad, 400);
        row("two spaces", "GET  /metrics HTTP/1.1\r\nHost: h\r\n\r\n", bad, 400);
        row("no version", "GET /metrics\r\n\r\n", bad, 400);
        row("HTTP/2.0", "GET /metrics HTTP/2.0\r\nHost: h\r\n\r\n", bad, 505);
        row("lowercase version", "GET /metrics http/1.1\r\nHost: h\r\n\r\n", bad, 400);
        row("TLS client hello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), bad, 400);
        row("NUL in method", std::string("G\0T /metrics", 12), bad, 400);
        row("request line over the bound", "GET /" + std::string(9000, 'a'), bad, 414);
        row("head over the bound", "GET /metrics HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n",
            bad, 431);
        row(
            "many headers over the bound",
            [] {
                std::string s = "GET /metrics HTTP/1.1\r\nHost: h\r\n";
                while (s.size() < 9000)
                    s += "X-A: b\r\n";
                return s;
            }(),
            bad, 431);
    }
    void requestHeadIsParsedStrictly()
    {
        QFETCH(std::string, bytes);
        QFETCH(int, parse);
        QFETCH(int, status);
        const auto request = ScrapeRequest::parseHead(bytes);
        QCOMPARE(int(request.parse), parse);
        if (request.parse == ScrapeRequest::Parse::Bad)
            QVERIFY(!request.reason.empty());
        if (request.parse != ScrapeRequest::Parse::NeedMore)
            QCOMPARE(request.responseStatus(), status);
    }

    void responsesCarryStatusTypeLengthAndClose_data()
    {
        QTest::addColumn<std::string>("request");
        QTest::addColumn<std::string>("statusLine");
        QTest::addColumn<std::string>("header");
        QTest::addColumn<bool>("hasBody");
        QTest::newRow("GET") << std::string("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n")
                             << std::string("HTTP/1.1 200 OK")
                             << std::string("Content-Type: text/plain; version=0.0.4; charset=utf-8") << true;
        QTest::newRow("HEAD") << std::string("HEAD /metrics HTTP/1.1\r\nHost: h\r\n\r\n")
                              << std::string("HTTP/1.1 200 OK") << std::string("Content-Length: 10") << false;
        QTest::newRow("POST") << std::string("POST /metrics HTTP/1.1\r\nHost: h\r\n\r\n")
                              << std::string("HTTP/1.1 405 Method Not Allowed") << std::string("Allow: GET, HEAD")
                              << true;
        QTest::newRow("404") << std::string("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
                             << std::string("HTTP/1.1 404 Not Found") << std::string("Connection: close") << true;
        QTest::newRow("400") << std::string("GET /metrics HTTP/1.1\r\n\r\n") << std::string("HTTP/1.1 400 Bad Request")
                             << std::string("Connection: close") << true;
    }
    void responsesCarryStatusTypeLengthAndClose()
    {
        QFETCH(std::string, request);
        QFETCH(std::string, statusLine);
        QFETCH(std::string, header);
        QFETCH(bool, hasBody);
        const std::string response =
            ScrapeRequest::parseHead(request).respond([] { return std::string("x_total 1\n"); });
        QCOMPARE(response.substr(0, response.find("\r\n")), statusLine);
        const size_t end = response.find("\r\n\r\n");
        QVERIFY(end != std::string::npos);
        const std::string head = response.substr(0, end + 2);
        QVERIFY2(head.find("\r\n" + header + "\r\n") != std::string::npos, head.c_str());
        QVERIFY2(head.find("\r\nConnection: close\r\n") != std::string::npos, head.c_str());
        const std::string body = response.substr(end + 4);
        QCOMPARE(!body.empty(), hasBody);
        if (hasBody)
            QVERIFY2(head.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos,
                     head.c_str());
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
