// The importer's rules, each from nginx's or keepalived's documented
// behaviour: the syntax both parse, how nginx inherits and matches, what
// keepalived does with nopreempt, VIPs and trackers, and that every
// directive read gets a report line and nothing is invented.
#include "importtesting.h"
#include "tlstesting.h"

#include "import/keepalivedparser.h"
#include "import/nginxparser.h"
#include "import/units.h"

#include "config/clustervalidator.h"

#include <QtTest>

using namespace hafront::import;
using namespace importtesting;

namespace {

ImportResult run(const QString &nginx, const QList<QPair<QString, QString>> &keepalived = {},
                 const QList<QPair<QString, QString>> &nodes = {{"fe1", "192.0.2.11"}},
                 const QList<QPair<QString, QString>> &extraFiles = {})
{
    MemoryReader reader;
    for (const char *dir : {"/srv/www", "/var/www/html", "/srv/static", "/srv/www/img", "/srv/www/static"})
        reader.addDirectory(dir);
    ImportRequest req;
    if (!nginx.isNull()) {
        reader.add("/etc/nginx/nginx.conf", nginx.toStdString());
        req.nginxFile = "/etc/nginx/nginx.conf";
    }
    for (const auto &[path, text] : extraFiles)
        reader.add(path.toStdString(), text.toStdString());
    for (const auto &[node, text] : keepalived) {
        const std::string path = "/etc/keepalived/" + node.toStdString() + ".conf";
        reader.add(path, text.toStdString());
        req.keepalivedFiles.push_back({node.toStdString(), path});
    }
    for (const auto &[node, address] : nodes)
        req.nodes.push_back({node.toStdString(), address.toStdString()});
    return runImport(req, reader);
}

void verify(const ImportResult &r, const QStringList &entries, const QStringList &fields)
{
    for (const auto &spec : entries)
        QVERIFY2(hasEntry(r.report, "", spec),
                 qPrintable("missing " + spec + "\nreport:\n" + QString::fromStdString(dump(r.report))));
    for (const auto &f : fields) {
        const auto eq = f.indexOf('=');
        const auto got = field(r.cluster, f.left(eq).toStdString());
        QVERIFY2(got && QString::fromStdString(*got) == f.mid(eq + 1),
                 qPrintable(f + " but got " + (got ? QString::fromStdString(*got) : QString("(absent)")) + "\n" +
                            QString::fromStdString(r.configText)));
    }
    for (const auto &e : r.report) // every directive has an explicit rule
        QVERIFY2(e.text.find("the importer has no rule") == std::string::npos, e.format().c_str());
}

QString server(const QString &body)
{
    return "http {\n server {\n  listen 127.0.0.1:8080;\n" + body + " }\n}\n";
}

} // namespace

class TestImport : public QObject {
    Q_OBJECT
private slots:
    void nginxSyntaxIsReadLikeNginx_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // "name:arg,arg;..." or "error LINE: part"
        QTest::newRow("quotes keep spaces, escapes") << R"(a "b c" 'd\'e' f\ g;)"
                                                     << "a:b c,d'e,f\\ g";
        QTest::newRow("comment to end of line") << "a b; # c d;\ne f;"
                                                << "a:b;e:f";
        QTest::newRow("hash inside a word") << "a b#c;"
                                            << "a:b#c";
        QTest::newRow("${var} braces belong to the word") << "set $x ${y}z;"
                                                          << "set:$x,${y}z";
        QTest::newRow("block") << "http { a 1; }"
                               << "http:;a:1";
        QTest::newRow("unclosed quote") << "a \"b;\n"
                                        << "error 1: never closed";
        QTest::newRow("missing semicolon at end") << "a b"
                                                  << "error 1: unexpected end of file";
        QTest::newRow("stray close brace") << "a b;\n}"
                                           << "error 2: unexpected \"}\"";
        QTest::newRow("unclosed block") << "http {\n a b;\n"
                                        << "error 3: expecting \"}\"";
        QTest::newRow("jinja template") << "listen {{ port }};"
                                        << "error 1: template markup";
        QTest::newRow("text after a quote") << "a \"b\"c;"
                                            << "error 1: after a quoted string";
    }
    void nginxSyntaxIsReadLikeNginx()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        MemoryReader reader;
        reader.add("/n.conf", text.toStdString());
        Report report;
        const auto tree = parseNginx("/n.conf", reader, report);
        if (expected.startsWith("error")) {
            QVERIFY(!tree.ok);
            const int line = expected.section(' ', 1, 1).chopped(1).toInt();
            const auto part = expected.section(": ", 1).toStdString();
            const auto &errs = report.entries();
            QVERIFY2(std::any_of(errs.begin(), errs.end(),
                                 [&](const ReportEntry &e) {
                                     return e.kind == Kind::Error && e.line == line &&
                                            e.text.find(part) != std::string::npos;
                                 }),
                     dump(errs).c_str());
            return;
        }
        QVERIFY2(tree.ok, dump(report.entries()).c_str());
        QStringList got;
        std::vector<const Directive *> all;
        for (const auto &d : tree.directives) {
            all.push_back(&d);
            for (const auto &c : d.children)
                all.push_back(&c);
        }
        for (const auto *d : all) {
            QStringList args;
            for (const auto &a : d->args)
                args << QString::fromStdString(a);
            got << QString::fromStdString(d->name) + ":" + args.join(',');
        }
        QCOMPARE(got.join(';'), expected);
    }

    void keepalivedSyntaxIsReadLikeKeepalived_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // "name(args)[children]" tree, or "error LINE"
        QTest::newRow("block, one-line block, comments")
            << "! Configuration\nvrrp_instance V {  # x\n  track_script { chk }\n  priority 100 ! y\n}"
            << "vrrp_instance(V)[track_script()[chk()],priority(100)]";
        QTest::newRow("brace on the next line") << "vrrp_instance V\n{\n  state BACKUP\n}"
                                                << "vrrp_instance(V)[state(BACKUP)]";
        QTest::newRow("quoted script keeps spaces") << "vrrp_script c {\n script \"killall -0 x\"\n}"
                                                    << "vrrp_script(c)[script(killall -0 x)]";
        QTest::newRow("definitions substituted") << "$IF=eth1\nvrrp_instance V {\n interface ${IF}\n}"
                                                 << "vrrp_instance(V)[interface(eth1)]";
        QTest::newRow("unknown variable left for the mapper") << "a ${NOPE}"
                                                              << "a(${NOPE})";
        QTest::newRow("conditional line kept with its id") << "@fe1 priority 150"
                                                           << "priority(150)@fe1";
        // Found by fuzz_import: an "include" that opens a block adds no directive to open.
        QTest::newRow("include opening a block is a block") << "http {\n include a {\n  b\n }\n}"
                                                            << "http()[include(a)[b()]]";
        QTest::newRow("stray close brace") << "a b\n}"
                                           << "error 2";
        QTest::newRow("brace opening nothing") << "{\n"
                                               << "error 1";
    }
    void keepalivedSyntaxIsReadLikeKeepalived()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        MemoryReader reader;
        reader.add("/k.conf", text.toStdString());
        Report report;
        const auto tree = parseKeepalived("/k.conf", reader, report);
        if (expected.startsWith("error")) {
            QVERIFY(!tree.ok);
            QCOMPARE(report.entries().front().line, expected.mid(6).toInt());
            return;
        }
        QVERIFY2(tree.ok, dump(report.entries()).c_str());
        std::function<QString(const std::vector<Directive> &)> show = [&](const std::vector<Directive> &list) {
            QStringList parts;
            for (const auto &d : list) {
                QString s = QString::fromStdString(d.name) + "(" + QString::fromStdString(d.argText()) + ")";
                if (d.isBlock)
                    s += "[" + show(d.children) + "]";
                if (!d.condition.empty())
                    s += "@" + QString::fromStdString(d.condition);
                parts << s;
            }
            return parts.join(',');
        };
        QCOMPARE(show(tree.directives), expected);
    }

    void includesFollowNginxAndGlobs()
    {
        MemoryReader reader;
        reader.add("/etc/nginx/nginx.conf", "http { include conf.d/*.conf; include sites/a; }");
        reader.add("/etc/nginx/conf.d/b.conf", "b 1;");
        reader.add("/etc/nginx/conf.d/a.conf", "a 1;");
        reader.add("/etc/nginx/conf.d/x.txt", "x 1;");
        reader.add("/etc/nginx/sites/a", "include snippets/s.conf;");
        reader.add("/etc/nginx/sites/snippets/s.conf", "s 1;"); // beside the includer, not under the prefix
        Report report;
        const auto tree = parseNginx("/etc/nginx/nginx.conf", reader, report);
        QVERIFY2(tree.ok, dump(report.entries()).c_str());
        QStringList names;
        for (const auto &d : tree.directives.at(0).children)
            names << QString::fromStdString(d.name);
        QCOMPARE(names.join(','), QStringLiteral("a,b,s")); // glob sorted, .txt not matched
        QVERIFY(hasEntry(report.entries(), "a", "1|approximated|include|main config's folder"));
    }

    void selfIncludeStops()
    {
        MemoryReader reader;
        reader.add("/n.conf", "include /n.conf;");
        Report report;
        QVERIFY(!parseNginx("/n.conf", reader, report).ok);
        QVERIFY(report.hasErrors());
    }

    void globsMatchLikeTheShell_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("matches");
        QTest::newRow("star") << "/a/*.conf"
                              << "/a/x.conf" << true;
        QTest::newRow("star stops at slash") << "/a/*.conf"
                                             << "/a/b/x.conf" << false;
        QTest::newRow("question") << "/a/?.conf"
                                  << "/a/xy.conf" << false;
        QTest::newRow("class") << "/a/[ab].conf"
                               << "/a/b.conf" << true;
        QTest::newRow("negated class") << "/a/[!ab].conf"
                                       << "/a/b.conf" << false;
        QTest::newRow("unclosed class matches nothing") << "/a/[ab"
                                                        << "/a/a" << false;
        QTest::newRow("star in the middle") << "/a/*/x"
                                            << "/a/b/x" << true;
    }
    void globsMatchLikeTheShell()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, matches);
        QCOMPARE(globMatches(pattern.toStdString(), path.toStdString()), matches);
    }

    void numbersReadLikeNginx_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<qlonglong>("expected"); // -1 = refused
        QTest::newRow("size k") << "size"
                                << "8k" << 8192LL;
        QTest::newRow("size M") << "size"
                                << "1M" << 1048576LL;
        QTest::newRow("size bare") << "size"
                                   << "100" << 100LL;
        QTest::newRow("size junk") << "size"
                                   << "1mb" << -1LL;
        QTest::newRow("time bare is seconds") << "time"
                                              << "60" << 60000LL;
        QTest::newRow("time ms") << "time"
                                 << "500ms" << 500LL;
        QTest::newRow("time compound") << "time"
                                       << "1m30s" << 90000LL;
        QTest::newRow("time junk") << "time"
                                   << "5x" << -1LL;
        QTest::newRow("keepalived fraction") << "seconds"
                                             << "0.1" << 100LL;
        QTest::newRow("keepalived whole") << "seconds"
                                          << "3" << 3000LL;
        QTest::newRow("keepalived junk") << "seconds"
                                         << "1.x" << -1LL;
    }
    void numbersReadLikeNginx()
    {
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QFETCH(qlonglong, expected);
        const std::string t = text.toStdString();
        const auto v = kind == "size" ? parseNginxSize(t) : kind == "time" ? parseNginxTimeMs(t) : parseSecondsMs(t);
        QCOMPARE(v ? qlonglong(*v) : -1LL, expected);
    }

    void nginxRulesAreCarried_data()
    {
        QTest::addColumn<QString>("nginx");
        QTest::addColumn<QStringList>("entries");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("a level that sets any proxy_set_header inherits none")
            << "http {\n proxy_set_header Host $host;\n server {\n  listen 127.0.0.1:8080;\n"
               "  location / { proxy_pass http://127.0.0.1:9000; }\n"
               "  location /api/ { proxy_set_header X-Custom yes; proxy_pass http://127.0.0.1:9000; }\n }\n}\n"
            << QStringList{"5|approximated|proxy_pass|nginx sends $host (no port)",
                           "6|approximated|proxy_pass|where nginx sends '127.0.0.1:9000'",
                           "6|unsupported|proxy_set_header|X-Custom"}
            << QStringList{"listener[0].route[0].pool=direct-127.0.0.1-9000"};
        QTest::newRow("proxy_pass with a URI replaces the matched prefix")
            << server("  location /api/ { proxy_pass http://127.0.0.1:9000/v2/; }\n  location / { proxy_pass "
                      "http://127.0.0.1:9000; }\n")
            << QStringList{"4|mapped|proxy_pass|replaced by /v2/"}
            << QStringList{"listener[0].route[0].replace_prefix=/v2/", "listener[0].route[1].replace_prefix="};
        QTest::newRow("upstream defaults: port 80, max_fails 1, fail_timeout 10s, 60 s timeouts")
            << "http {\n upstream app {\n  server 10.0.0.1;\n  server 10.0.0.2:8080 weight=3;\n  server 10.0.0.3 "
               "backup;\n }\n"
               " server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } }\n}\n"
            << QStringList{"4|mapped|server|weight 3", "5|mapped|server|backup",
                           "7|approximated|proxy_pass|where nginx sends 'app'"}
            << QStringList{"pool[0].backend[0].address=10.0.0.1:80",
                           "pool[0].backend[1].weight=3",
                           "pool[0].backend[2].backup=true",
                           "pool[0].passive.max_fails=1",
                           "pool[0].passive.fail_window_ms=10000",
                           "pool[0].passive.fail_timeout_ms=10000",
                           "pool[0].connect_timeout_ms=60000",
                           "pool[0].read_timeout_ms=60000",
                           "pool[0].retries=2"};
        QTest::newRow("a one-server upstream is never marked down")
            << "http {\n upstream one { server 10.0.0.1:81 max_fails=5; }\n server { listen 127.0.0.1:8080; location / "
               "{ proxy_pass http://one; } }\n}\n"
            << QStringList{"2|mapped|upstream|never marks it down"}
            << QStringList{"pool[0].passive.max_fails=0", "pool[0].retries=0"};
        QTest::newRow("balancing: least_conn, ip_hash, hash consistent, down, keepalive")
            << "http {\n upstream a { least_conn; server 10.0.0.1:81; server 10.0.0.2:81 down; keepalive 16; }\n"
               " upstream b { ip_hash; server 10.0.0.1:81; server 10.0.0.2:81; }\n"
               " upstream c { hash $cookie_sid consistent; server 10.0.0.1:81; server 10.0.0.2:81; }\n"
               " server { listen 127.0.0.1:8080; location /a { proxy_pass http://a; } location /b { proxy_pass "
               "http://b; } location /c { proxy_pass http://c; } }\n}\n"
            << QStringList{"3|approximated|ip_hash|first three octets", "4|approximated|hash|ketama"}
            << QStringList{"pool[0].balance=LEAST_CONN", "pool[0].backend[1].weight=0",
                           "pool[0].keepalive=16",       "pool[1].balance=CONSISTENT_HASH",
                           "pool[1].hash_key=client_ip", "pool[2].hash_key=cookie:sid"};
        QTest::newRow("client_max_body_size 0 is unlimited, unset is nginx's 1m")
            << "http {\n server { listen 127.0.0.1:8080; client_max_body_size 0; root /srv/www; }\n"
               " server { listen 127.0.0.1:8081; root /srv/www; }\n}\n"
            << QStringList{"2|mapped|client_max_body_size|no limit"}
            << QStringList{"listener[0].max_body_bytes=18446744073709551615", "listener[1].max_body_bytes=1048576",
                           "listener[1].idle_timeout_ms=75000", "listener[1].max_header_bytes=32768"};
        QTest::newRow("old spellings: ssl on and listen default")
            << "http {\n server { listen 127.0.0.1:8443; ssl on; ssl_certificate /c.pem; root /srv/www; }\n"
               " server { listen 127.0.0.1:8080; server_name a.example; root /srv/www; }\n"
               " server { listen 127.0.0.1:8080 default; server_name b.example; root /srv/static; }\n}\n"
            << QStringList{"2|mapped|listen|binds 127.0.0.1:8443", "2|mapped|ssl|the old spelling of 'listen ... ssl'",
                           "2|approximated|ssl_certificate|cert_file /c.pem",
                           "2|unsupported|server|1 ssl_certificate but 0 ssl_certificate_key",
                           "4|mapped|listen|old spelling of default_server"}
            << QStringList{"listener[0].bind=127.0.0.1:8080",
                           "listener[0].route[0].host=", "listener[0].route[0].static_root=/srv/static",
                           "listener[0].route[1].host=a.example"};
        QTest::newRow("http2 on in http{}: h2c on a cleartext listener, ALPN on a TLS one")
            << "http {\n http2 on;\n ssl_certificate /c.pem; ssl_certificate_key /c.key;\n"
               " server { listen 127.0.0.1:8080; root /srv/www; }\n"
               " server { listen 127.0.0.1:8443 ssl; root /srv/www; }\n}\n"
            << QStringList{"2|mapped|http2|prior knowledge (h2c) on cleartext ones",
                           "3|approximated|ssl_certificate|cert_file /c.pem; the file is not on this machine"}
            << QStringList{"listener[0].name=http-127.0.0.1-8080", "listener[0].http2.enabled=true",
                           "listener[1].name=https-127.0.0.1-8443", "listener[1].http2?=unset",
                           "listener[1].tls.certificate[0].key_file=/c.key"};
        QTest::newRow("location =, ^~ and regex")
            << server("  root /srv/www;\n  location = /50x.html { }\n  location ^~ /img/ { }\n  location ~* \\.php$ { "
                      "fastcgi_pass 127.0.0.1:9000; }\n")
            << QStringList{"5|mapped|location|exact route /50x.html", "7|unsupported|location|regexes in file order"}
            << QStringList{"listener[0].route[0].exact=true", "listener[0].route[0].static_root=/srv/www",
                           "listener[0].route[0].index=50x.html", "listener[0].route[1].static_root=/srv/www/img",
                           "listener[0].route[2].path_prefix=/"};
        QTest::newRow("return and rewrite permanent become fixed responses")
            << server("  location / { return 301 https://$host$request_uri; }\n  location /old { rewrite ^(.*)$ "
                      "https://new.example$1 permanent; }\n")
            << QStringList{"4|approximated|return|status 301", "5|approximated|rewrite|status 301"}
            << QStringList{"listener[0].route[0].respond.status=301",
                           "listener[0].route[0].respond.location=https://$host$request_uri",
                           "listener[0].route[1].respond.location=https://new.example$uri$is_args$args"};
        QTest::newRow("a named server gets the default server's longer prefixes as nginx would route them")
            << "http {\n server { listen 127.0.0.1:8080 default_server; root /srv/www; location /static/ { } }\n"
               " server { listen 127.0.0.1:8080; server_name app.example; location / { proxy_pass http://10.0.0.1:81; "
               "} }\n}\n"
            << QStringList{}
            << QStringList{"listener[0].route[0].path_prefix=/static/",   "listener[0].route[1].path_prefix=/",
                           "listener[0].route[2].host=app.example",       "listener[0].route[2].path_prefix=/",
                           "listener[0].route[3].host=app.example",       "listener[0].route[3].path_prefix=/static/",
                           "listener[0].route[3].pool=direct-10.0.0.1-81"};
        QTest::newRow("host names, if, unknown directives and placeholders are reported")
            << "http {\n upstream u { server app.internal:8080; server 10.0.0.1:81; }\n server {\n  listen ${PORT};\n"
               "  listen 127.0.0.1:8080;\n  if ($host = x) { return 404; }\n  frobnicate on;\n  location / { "
               "proxy_pass http://u; }\n }\n}\n"
            << QStringList{"2|unsupported|server|not an IPv4 address", "4|unsupported|listen|template placeholder",
                           "6|unsupported|if|nothing inside this if", "7|unsupported|frobnicate|not a directive"}
            << QStringList{"pool[0].backend[0].address=10.0.0.1:81"};
        QTest::newRow("proxy_pass https:// to an upstream: tls { verify: false }, nginx's default")
            << "http {\n upstream app { server 10.0.0.1:8443; }\n server { listen 127.0.0.1:8080; location / { "
               "proxy_pass https://app; } }\n}\n"
            << QStringList{"3|approximated|proxy_pass|pool 'app' gets tls { verify: false }: backend certificates are "
                           "not verified, as with nginx's default proxy_ssl_verify off"}
            << QStringList{"pool[0].name=app",
                           "pool[0].tls.verify=false",
                           "pool[0].tls.server_name=",
                           "pool[0].tls.ca_file=",
                           "pool[0].backend[0].address=10.0.0.1:8443",
                           "listener[0].route[0].pool=app"};
        QTest::newRow("proxy_pass https:// to a host: port 443, which $proxy_host leaves out")
            << server("  location / { proxy_pass https://10.0.0.9/api/; }\n")
            << QStringList{"4|approximated|proxy_pass|where nginx sends '10.0.0.9'",
                           "4|mapped|proxy_pass|replaced by /api/"}
            << QStringList{"pool[0].name=direct-10.0.0.9-443", "pool[0].backend[0].address=10.0.0.9:443",
                           "pool[0].tls.verify=false", "listener[0].route[0].pool=direct-10.0.0.9-443"};
        QTest::newRow("proxy_ssl_verify on with a trusted certificate, inherited from http{}")
            << "http {\n upstream app { server 10.0.0.1:8443; }\n proxy_ssl_verify on;\n"
               " proxy_ssl_trusted_certificate certs/ca.pem;\n"
               " server { listen 127.0.0.1:8080; location / { proxy_pass https://app; } }\n}\n"
            << QStringList{"3|approximated|proxy_ssl_verify|verify: true; hafront accepts chains up to OpenSSL's limit "
                           "(100)",
                           "4|approximated|proxy_ssl_trusted_certificate|ca_file /etc/nginx/certs/ca.pem (relative "
                           "paths resolve against nginx's configuration folder /etc/nginx); the file is not on this "
                           "machine",
                           "5|approximated|proxy_pass|hafront also sends app as SNI (the name it verifies); nginx "
                           "with proxy_ssl_server_name off sends none"}
            << QStringList{"pool[0].tls.verify=true", "pool[0].tls.ca_file=/etc/nginx/certs/ca.pem",
                           "pool[0].tls.server_name=app"};
        QTest::newRow("proxy_ssl_verify on without a trusted certificate: nginx refuses to start")
            << server("  root /srv/www;\n  location /api/ { proxy_ssl_verify on; proxy_pass https://10.0.0.9; }\n")
            << QStringList{"5|unsupported|proxy_pass|proxy_ssl_verify on without proxy_ssl_trusted_certificate: "
                           "nginx refuses to start"}
            << QStringList{"pool[0]?=unset", "listener[0].route[0].path_prefix=/"};
        QTest::newRow("proxy_ssl_name and proxy_ssl_server_name on: the SNI and the name verified")
            << "http {\n upstream app { server 10.0.0.1:8443; }\n server {\n  listen 127.0.0.1:8080;\n"
               "  proxy_ssl_server_name on;\n  location / { proxy_ssl_name api.internal:8443; proxy_ssl_verify on;"
               " proxy_ssl_trusted_certificate /etc/ssl/ca.pem; proxy_pass https://app; }\n }\n}\n"
            << QStringList{"5|mapped|proxy_ssl_server_name|sent as SNI",
                           "6|mapped|proxy_ssl_name|server_name api.internal (nginx drops the port)",
                           "6|mapped|proxy_pass|pool 'app' gets tls { verify: true server_name api.internal ca_file "
                           "/etc/ssl/ca.pem }"}
            << QStringList{"pool[0].tls.server_name=api.internal", "pool[0].tls.verify=true",
                           "pool[0].tls.ca_file=/etc/ssl/ca.pem"};
        QTest::newRow("proxy_ssl_certificate and its key: the client certificate")
            << server("  proxy_ssl_certificate client.pem;\n  proxy_ssl_certificate_key /etc/ssl/client.key;\n"
                      "  location / { proxy_pass https://10.0.0.9:8443; }\n")
            << QStringList{"4|approximated|proxy_ssl_certificate|client certificate cert_file "
                           "/etc/nginx/client.pem (relative paths",
                           "5|approximated|proxy_ssl_certificate_key|client certificate key_file /etc/ssl/client.key; "
                           "the file is not on this machine"}
            << QStringList{"pool[0].name=direct-10.0.0.9-8443", "pool[0].tls.cert_file=/etc/nginx/client.pem",
                           "pool[0].tls.key_file=/etc/ssl/client.key", "pool[0].tls.verify=false"};
        QTest::newRow("proxy_ssl_certificate without its key: nginx refuses to start")
            << server("  root /srv/www;\n  location /api/ { proxy_ssl_certificate /c.pem; proxy_pass "
                      "https://10.0.0.9; }\n")
            << QStringList{"5|unsupported|proxy_pass|proxy_ssl_certificate without proxy_ssl_certificate_key"}
            << QStringList{"pool[0]?=unset"};
        QTest::newRow("one upstream over http:// and https://, and two locations with different proxy_ssl_*")
            << "http {\n upstream app { server 10.0.0.1:8443; }\n server {\n  listen 127.0.0.1:8080;\n"
               "  location / { proxy_pass https://app; }\n"
               "  location /admin/ { proxy_ssl_name admin.internal; proxy_ssl_server_name on; proxy_pass "
               "https://app; }\n"
               "  location /plain/ { proxy_pass http://app; }\n }\n}\n"
            << QStringList{"5|mapped|proxy_pass|pool 'app-tls': a copy of 'app' with tls { }",
                           "6|approximated|proxy_pass|pool 'app-tls' keeps the tls { verify: false } of "
                           "/etc/nginx/nginx.conf:5, not the tls { verify: false server_name admin.internal } the "
                           "proxy_ssl_* here give"}
            << QStringList{"pool[0].name=app",
                           "pool[0].tls?=unset",
                           "pool[1].name=app-tls",
                           "pool[1].backend[0].address=10.0.0.1:8443",
                           "pool[1].tls.server_name=",
                           "listener[0].route[0].pool=app-tls",
                           "listener[0].route[1].pool=app-tls",
                           "listener[0].route[2].pool=app"};
        QTest::newRow("the https copy of a pool does not take another upstream's name")
            << "http {\n upstream app { server 10.0.0.1:8443; }\n upstream app-tls { server 10.0.0.2:8443; }\n"
               " server { listen 127.0.0.1:8080; location / { proxy_pass https://app; } location /p/ { proxy_pass "
               "http://app; } location /t/ { proxy_pass https://app-tls; } }\n}\n"
            << QStringList{}
            << QStringList{"pool[1].name=app-tls",
                           "pool[1].backend[0].address=10.0.0.2:8443",
                           "pool[2].name=app-tls-2",
                           "pool[2].backend[0].address=10.0.0.1:8443",
                           "listener[0].route[0].pool=app-tls-2",
                           "listener[0].route[2].pool=app-tls"};
        QTest::newRow("proxy_ssl_* hafront does differently or not at all")
            << server("  proxy_ssl_protocols TLSv1.2;\n  proxy_ssl_ciphers HIGH:!aNULL;\n  proxy_ssl_session_reuse "
                      "off;\n  proxy_ssl_crl /etc/nginx/crl.pem;\n  proxy_ssl_conf_command Options "
                      "PrioritizeChaCha;\n  proxy_ssl_password_file /etc/nginx/pw;\n  proxy_ssl_verify_depth 2;\n"
                      "  proxy_ssl_session_reuse on;\n  location / { proxy_pass https://10.0.0.9:8443; }\n")
            << QStringList{"4|approximated|proxy_ssl_protocols|hafront offers TLS 1.2 and 1.3 to backends",
                           "5|approximated|proxy_ssl_ciphers|OpenSSL's default cipher list",
                           "6|approximated|proxy_ssl_session_reuse|cannot be turned off",
                           "7|unsupported|proxy_ssl_crl|CRL",
                           "8|unsupported|proxy_ssl_conf_command|no OpenSSL configuration commands",
                           "9|unsupported|proxy_ssl_password_file|without a passphrase",
                           "10|approximated|proxy_ssl_verify_depth|nginx stops at 2",
                           "11|mapped|proxy_ssl_session_reuse|resumes backend TLS sessions"}
            << QStringList{"pool[0].tls.verify=false"};
    }
    void nginxRulesAreCarried()
    {
        QFETCH(QString, nginx);
        QFETCH(QStringList, entries);
        QFETCH(QStringList, fields);
        const auto r = run(nginx);
        QVERIFY2(r.ok(), qPrintable(QString::fromStdString(r.problems.empty() ? "" : r.problems[0]) + "\n" +
                                    QString::fromStdString(dump(r.report))));
        verify(r, entries, fields);
    }

    void keepalivedRulesAreCarried_data()
    {
        QTest::addColumn<QString>("fe1");
        QTest::addColumn<QString>("fe2");
        QTest::addColumn<QStringList>("entries");
        QTest::addColumn<QStringList>("fields");
        const QString base =
            "vrrp_instance VI_1 {\n state STATE\n interface eth0\n virtual_router_id 51\n priority PRIO\n"
            " advert_int 1\n EXTRA\n virtual_ipaddress {\n  192.0.2.100\n }\n}\n";
        auto conf = [&](const QString &state, const QString &prio, const QString &extra) {
            return QString(base).replace("STATE", state).replace("PRIO", prio).replace("EXTRA", extra);
        };
        QTest::newRow("nopreempt is ignored with state MASTER")
            << conf("MASTER", "150", "nopreempt") << conf("BACKUP", "100", "nopreempt")
            << QStringList{"7|approximated|nopreempt|ignores nopreempt with state MASTER",
                           "7|approximated|nopreempt|fe2's says nopreempt, fe1's says preempt"}
            << QStringList{"vip[0].preempt?=unset", "vip[0].address=192.0.2.100/32", "vip[0].priority[0].value=150",
                           "vip[0].priority[1].node=fe2"};
        QTest::newRow("nopreempt on BACKUP nodes")
            << conf("BACKUP", "150", "nopreempt") << conf("BACKUP", "100", "nopreempt")
            << QStringList{"7|mapped|nopreempt|preempt: false"} << QStringList{"vip[0].preempt=false"};
        QTest::newRow("authentication is reported and the password never carried")
            << conf("MASTER", "150", "authentication {\n  auth_type PASS\n  auth_pass s3cr3tpw\n }")
            << conf("BACKUP", "100", "") << QStringList{"7|unsupported|authentication|password is not carried"}
            << QStringList{};
        QTest::newRow("vrrp_script weight 0 means FAULT; track_interface")
            << "vrrp_script chk {\n script \"/usr/local/bin/check-disk\"\n interval 2\n fall 3\n}\n" +
                   conf("MASTER", "150", "track_script {\n  chk\n }\n track_interface {\n  eth1 weight -30\n }")
            << conf("BACKUP", "100", "track_script {\n  chk\n }") << QStringList{"13|mapped|chk|weight 0"}
            << QStringList{"vip[0].track_script[0].weight=0", "vip[0].track_script[0].interval_ms=2000",
                           "vip[0].track_script[0].fall=3", "vip[0].track_interface[0].weight=-30"};
        QTest::newRow("files that disagree are reported")
            << conf("MASTER", "150", "")
            << conf("BACKUP", "100", "")
                   .replace("51", "52")
                   .replace("advert_int 1", "advert_int 2")
                   .replace("192.0.2.100", "192.0.2.101")
            << QStringList{"4|approximated|virtual_router_id|fe2's says 52, fe1's says 51",
                           "6|approximated|advert_int|fe2's says 2000 ms",
                           "8|approximated|virtual_ipaddress|192.0.2.101/32"}
            << QStringList{"vip[0].vrid=51"};
        QTest::newRow("a check of nginx becomes self-tracking")
            << "vrrp_script chk_nginx {\n script \"killall -0 nginx\"\n weight -40\n}\n" +
                   conf("MASTER", "150", "track_script {\n  chk_nginx\n }")
            << conf("BACKUP", "100", "") << QStringList{"12|approximated|chk_nginx|self-tracking"}
            << QStringList{"vip[0].self_track.weight=-40"};
        QTest::newRow("conditional lines per node")
            << "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n @fe1 priority 150\n @^fe1 priority 90\n "
               "virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n"
            << "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n @fe1 priority 150\n @^fe1 priority 90\n "
               "virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n"
            << QStringList{"4|approximated|priority|applied for node fe1",
                           "5|approximated|priority|skipped for node fe1"}
            << QStringList{"vip[0].priority[0].value=150", "vip[0].priority[1].value=90"};
    }
    void keepalivedRulesAreCarried()
    {
        QFETCH(QString, fe1);
        QFETCH(QString, fe2);
        QFETCH(QStringList, entries);
        QFETCH(QStringList, fields);
        const auto r = run(QString(), {{"fe1", fe1}, {"fe2", fe2}}, {{"fe1", "192.0.2.11"}, {"fe2", "192.0.2.12"}});
        QVERIFY2(r.ok(), qPrintable(QString::fromStdString(r.problems.empty() ? "" : r.problems[0])));
        verify(r, entries, fields);
        for (const auto &e : r.report)
            QVERIFY(e.text.find("s3cr3tpw") == std::string::npos);
        QVERIFY(r.configText.find("s3cr3tpw") == std::string::npos);
        QVERIFY(reportJson(r.report).find("s3cr3tpw") == std::string::npos);
    }

    void nodeWithoutAddressIsRefusedWithTheReason()
    {
        const auto r = run(
            QString(),
            {{"fe1",
              "vrrp_instance V { \n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 192.0.2.1\n }\n}\n"}},
            {});
        QVERIFY(!r.ok());
        QVERIFY2(r.problems[0].find("give --node fe1=A.B.C.D") != std::string::npos, r.problems[0].c_str());
    }

    void unicastSourceGivesTheAddress()
    {
        const auto r =
            run(QString(),
                {{"fe1", "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n unicast_src_ip 192.0.2.11\n"
                         " unicast_peer {\n  192.0.2.12\n }\n virtual_ipaddress {\n 192.0.2.1/24\n }\n}\n"}},
                {});
        QVERIFY2(r.ok(), r.problems.empty() ? "" : r.problems[0].c_str());
        QCOMPARE(QString::fromStdString(r.cluster.node(0).address()), QStringLiteral("192.0.2.11"));
        QCOMPARE(r.cluster.vip(0).unicast_peer_size(), 2); // the peer and the node itself (skipped when sending)
    }

    // With the certificate files on disk the import is checked as
    // --check-config does: the files load, and every server_name of a TLS
    // listener needs a certificate covering it.
    void tlsServersImportWithRealCertificates()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        QVERIFY(QDir().mkpath(dir.path() + "/conf/certs"));
        tlstesting::Authority ca(d);
        const auto ecdsa = ca.issue("www-ecdsa", {"www.example.com"}, tlstesting::Key::Ecdsa);
        const auto rsa = ca.issue("www-rsa", {"www.example.com"}, tlstesting::Key::Rsa);
        const auto shop = ca.issue("shop", {"shop.example.com"});
        QVERIFY(QFile::rename(QString::fromStdString(shop.certFile), dir.path() + "/conf/certs/shop.pem"));
        QVERIFY(QFile::rename(QString::fromStdString(shop.keyFile), dir.path() + "/conf/certs/shop.key"));
        const auto write = [&](const std::string &extraName) {
            QFile f(dir.path() + "/conf/nginx.conf");
            if (!f.open(QIODevice::WriteOnly))
                return false;
            const std::string text =
                "http {\n ssl_certificate " + ecdsa.certFile + ";\n ssl_certificate_key " + ecdsa.keyFile +
                ";\n ssl_certificate " + rsa.certFile + ";\n ssl_certificate_key " + rsa.keyFile +
                ";\n server { listen 127.0.0.1:8443 ssl default_server; server_name www.example.com; root " + d +
                "; }\n"
                " server { listen 127.0.0.1:8443 ssl; server_name shop.example.com " +
                extraName + "; ssl_certificate certs/shop.pem; ssl_certificate_key certs/shop.key; root " + d +
                "; }\n}\n";
            return f.write(text.data(), qint64(text.size())) == qint64(text.size());
        };
        QVERIFY(write(""));
        ImportRequest req;
        req.nodes.push_back({"fe1", "192.0.2.11"});
        req.nginxFile = d + "/conf/nginx.conf";
        DiskReader disk;
        auto r = runImport(req, disk);
        QVERIFY2(r.ok(), r.problems.empty() ? dump(r.report).c_str() : r.problems[0].c_str());
        QCOMPARE(r.cluster.listener_size(), 1);
        const auto &tls = r.cluster.listener(0).tls();
        QCOMPARE(tls.certificate_size(), 3);
        QCOMPARE(tls.certificate(0).cert_file(), ecdsa.certFile);
        QCOMPARE(tls.certificate(1).cert_file(), rsa.certFile);
        QCOMPARE(tls.certificate(2).cert_file(), d + "/conf/certs/shop.pem"); // nginx.conf's folder
        QVERIFY(dump(r.report).find("not on this machine") == std::string::npos);
        hafront::config::ValidateOptions options;
        options.directoryExists = [](const std::string &) { return true; };
        for (const auto &f : hafront::config::validateCluster(r.cluster, options))
            QVERIFY2(f.warning, (f.path + ": " + f.message).c_str());
        // A name no certificate covers: nginx serves it the default
        // certificate; hafront's validator refuses such a listener, and the
        // import (for now) stops with the validator's reason.
        QVERIFY(write("other.example.com"));
        r = runImport(req, disk);
        QVERIFY(!r.ok());
        QVERIFY2(!r.problems.empty() && r.problems[0].find("covers 'other.example.com'") != std::string::npos,
                 r.problems.empty() ? "" : r.problems[0].c_str());
    }

    // With the CA and client certificate on disk, an https backend's pool
    // is checked as --check-config does: the files load.
    void httpsBackendsImportWithRealFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        tlstesting::Authority ca(d);
        const auto client = ca.issue("client", {"fe.example.com"});
        const auto write = [&](const std::string &caFile) {
            QFile f(dir.path() + "/nginx.conf");
            if (!f.open(QIODevice::WriteOnly))
                return false;
            const std::string text = "http {\n server {\n  listen 127.0.0.1:8080;\n  proxy_ssl_verify on;\n"
                                     "  proxy_ssl_trusted_certificate " +
                                     caFile + ";\n  proxy_ssl_certificate " + client.certFile +
                                     ";\n  proxy_ssl_certificate_key " + client.keyFile +
                                     ";\n  location / { proxy_pass https://10.0.0.9; }\n }\n}\n";
            return f.write(text.data(), qint64(text.size())) == qint64(text.size());
        };
        QVERIFY(write(ca.caFile()));
        ImportRequest req;
        req.nodes.push_back({"fe1", "192.0.2.11"});
        req.nginxFile = d + "/nginx.conf";
        DiskReader disk;
        auto r = runImport(req, disk);
        QVERIFY2(r.ok(), r.problems.empty() ? dump(r.report).c_str() : r.problems[0].c_str());
        QVERIFY(dump(r.report).find("not on this machine") == std::string::npos);
        const auto &tls = r.cluster.pool(0).tls();
        QCOMPARE(tls.ca_file(), ca.caFile());
        QCOMPARE(tls.cert_file(), client.certFile);
        QCOMPARE(tls.server_name(), std::string("10.0.0.9")); // verified as the IP address
        QVERIFY(tls.verify());
        // A ca_file that is there but holds no certificate: the validator's reason.
        QFile junk(dir.path() + "/junk.pem");
        QVERIFY(junk.open(QIODevice::WriteOnly) && junk.write("not a certificate\n") > 0);
        junk.close();
        QVERIFY(write(d + "/junk.pem"));
        r = runImport(req, disk);
        QVERIFY(!r.ok());
        QVERIFY2(r.problems[0].find("ca_file") != std::string::npos, r.problems[0].c_str());
    }

    void brokenFilesGiveNoConfig()
    {
        const auto r = run("http { server { listen 80; }");
        QVERIFY(!r.ok());
        QVERIFY(r.problems[0].find("nginx would refuse it") != std::string::npos);
    }

    void reportLinesHaveTheBindingFormat()
    {
        const auto r = run(server("  gzip on;\n  root /srv/www;\n"));
        const std::string text = reportText(r.report);
        QVERIFY2(text.find("/etc/nginx/nginx.conf:4: unsupported: gzip: compression is not in hafront") !=
                     std::string::npos,
                 text.c_str());
        QVERIFY(text.find(": mapped: ") == std::string::npos); // stderr lists only what is not a plain mapping
        QVERIFY(reportJson(r.report).find("\"kind\":\"mapped\"") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
