// Static-root path normalisation (no escape through "..", encoded dots or
// slashes, NUL, bad escapes), MIME types, hop-by-hop rules, absolute-form
// targets and bare line endings: the pure HTTP text helpers of the proxy.
#include "http/httptext.h"

#include <QtTest>

using namespace hafront::http;

class TestPathNorm : public QObject {
    Q_OBJECT
private slots:
    // A fixed response's Location/body: nginx's variables from the request.
    void expandsNginxVariablesInFixedResponses_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("expected");
        QTest::newRow("https redirect") << "http"
                                        << "https://$host$request_uri"
                                        << "Shop.Example:8080"
                                        << "/a?b=1"
                                        << "https://shop.example/a?b=1";
        QTest::newRow("http_host keeps the port") << "http"
                                                  << "http://$http_host/"
                                                  << "h:81"
                                                  << "/"
                                                  << "http://h:81/";
        QTest::newRow("uri and args") << "http"
                                      << "/new$uri$is_args$args"
                                      << "h"
                                      << "/p?q"
                                      << "/new/p?q";
        QTest::newRow("no query: no ?") << "http"
                                        << "/new$uri$is_args$args"
                                        << "h"
                                        << "/p"
                                        << "/new/p";
        QTest::newRow("query_string like args") << "http"
                                                << "$query_string"
                                                << "h"
                                                << "/p?x=1"
                                                << "x=1";
        QTest::newRow("scheme") << "http"
                                << "$scheme://x"
                                << "h"
                                << "/"
                                << "http://x";
        QTest::newRow("scheme over TLS") << "https"
                                         << "$scheme://x"
                                         << "h"
                                         << "/"
                                         << "https://x";
        QTest::newRow("unknown variable stays") << "http"
                                                << "$hostname and $host_x"
                                                << "h"
                                                << "/"
                                                << "$hostname and $host_x";
    }
    void expandsNginxVariablesInFixedResponses()
    {
        QFETCH(QString, scheme);
        QFETCH(QString, text);
        QFETCH(QString, host);
        QFETCH(QString, target);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(expandResponseText(text.toStdString(), scheme.toStdString(), host.toStdString(),
                                                           target.toStdString())),
                 expected);
    }

    void normalisesOrRefusesStaticPaths_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("relative");
        QTest::newRow("plain file") << "/static/a.css" << 0 << "a.css";
        QTest::newRow("query dropped") << "/static/a.css?v=3" << 0 << "a.css";
        QTest::newRow("dot segments dropped") << "/static/./x/./y.js" << 0 << "x/y.js";
        QTest::newRow("double slashes collapsed") << "/static//x//y.js" << 0 << "x/y.js";
        QTest::newRow("directory keeps trailing slash") << "/static/docs/" << 0 << "docs/";
        QTest::newRow("root of prefix") << "/static/" << 0 << "";
        QTest::newRow("escaped space decoded") << "/static/a%20b.txt" << 0 << "a b.txt";
        QTest::newRow("dotdot refused") << "/static/../secret" << 403 << "";
        QTest::newRow("dotdot deep refused") << "/static/a/../../secret" << 403 << "";
        QTest::newRow("encoded dotdot refused") << "/static/%2e%2e/secret" << 403 << "";
        QTest::newRow("mixed-case encoded dotdot refused") << "/static/%2E./secret" << 403 << "";
        QTest::newRow("encoded slash refused") << "/static/..%2fsecret" << 403 << "";
        QTest::newRow("encoded backslash refused") << "/static/a%5csecret" << 403 << "";
        QTest::newRow("encoded NUL refused") << "/static/a.css%00.txt" << 403 << "";
        QTest::newRow("truncated escape is 400") << "/static/a%2" << 400 << "";
        QTest::newRow("non-hex escape is 400") << "/static/a%zz" << 400 << "";
        QTest::newRow("double encoding stays literal") << "/static/%252e%252e/x" << 0 << "%2e%2e/x";
        QTest::newRow("outside the prefix is 404") << "/other/a.css" << 404 << "";
    }
    void normalisesOrRefusesStaticPaths()
    {
        QFETCH(QString, target);
        QFETCH(int, status);
        QFETCH(QString, relative);
        const auto got = normaliseStaticPath(target.toStdString(), "/static/");
        QCOMPARE(got.status, status);
        if (status == 0)
            QCOMPARE(QString::fromStdString(got.relative), relative);
    }

    void mapsExtensionsToMimeTypes_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("type");
        QTest::newRow("html") << "index.html"
                              << "text/html; charset=utf-8";
        QTest::newRow("upper-case extension") << "LOGO.PNG"
                                              << "image/png";
        QTest::newRow("css") << "a/b.css"
                             << "text/css; charset=utf-8";
        QTest::newRow("js") << "app.js"
                            << "text/javascript; charset=utf-8";
        QTest::newRow("woff2") << "f.woff2"
                               << "font/woff2";
        QTest::newRow("unknown") << "data.bin"
                                 << "application/octet-stream";
        QTest::newRow("dot in a directory only") << "v1.2/README"
                                                 << "application/octet-stream";
    }
    void mapsExtensionsToMimeTypes()
    {
        QFETCH(QString, path);
        QFETCH(QString, type);
        QCOMPARE(QString::fromUtf8(mimeTypeOf(path.toStdString()).data(), int(mimeTypeOf(path.toStdString()).size())),
                 type);
    }

    void classifiesHopByHopHeaders_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("connection");
        QTest::addColumn<bool>("hop");
        QTest::newRow("connection") << "Connection"
                                    << "" << true;
        QTest::newRow("keep-alive") << "keep-alive"
                                    << "" << true;
        QTest::newRow("transfer-encoding") << "Transfer-Encoding"
                                           << "" << true;
        QTest::newRow("upgrade") << "Upgrade"
                                 << "" << true;
        QTest::newRow("end-to-end header") << "Content-Type"
                                           << "" << false;
        QTest::newRow("named by Connection") << "X-Secret"
                                             << "keep-alive, x-secret" << true;
        QTest::newRow("not named by Connection") << "X-Other"
                                                 << "keep-alive, x-secret" << false;
        QTest::newRow("te") << "TE"
                            << "" << true;
        QTest::newRow("trailer is end-to-end (RFC 9110 7.6.1)") << "Trailer"
                                                                << "" << false;
        QTest::newRow("proxy-connection") << "Proxy-Connection"
                                          << "" << true;
        QTest::newRow("upper case") << "TRANSFER-ENCODING"
                                    << "" << true;
        QTest::newRow("same length, other name") << "Keep-Alivx"
                                                 << "" << false;
        QTest::newRow("longer than a hop-by-hop name") << "Upgrade-Insecure-Requests"
                                                       << "" << false;
        QTest::newRow("named by Connection, any case") << "X-Secret"
                                                       << "Keep-Alive,\tX-SECRET " << true;
        QTest::newRow("prefix of a Connection token") << "X-Sec"
                                                      << "x-secret" << false;
    }
    void classifiesHopByHopHeaders()
    {
        QFETCH(QString, name);
        QFETCH(QString, connection);
        QFETCH(bool, hop);
        const std::string conn = connection.toStdString();
        QCOMPARE(isHopByHop(name.toStdString(), connection.isEmpty() ? nullptr : &conn), hop);
    }

    void splitsAbsoluteFormTargets()
    {
        const auto abs = splitAbsoluteForm("http://Example.COM:8080/p?q=1");
        QVERIFY(abs.has_value());
        QCOMPARE(QString::fromStdString(abs->first), QString("example.com:8080"));
        QCOMPARE(QString::fromStdString(abs->second), QString("/p?q=1"));
        const auto bare = splitAbsoluteForm("http://h");
        QVERIFY(bare.has_value());
        QCOMPARE(QString::fromStdString(bare->second), QString("/"));
        QVERIFY(!splitAbsoluteForm("/origin/form").has_value());
        QCOMPARE(QString::fromStdString(std::string(hostWithoutPort("example.com:80"))), QString("example.com"));
    }

    void detectsBareLineEndings_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<bool>("bare");
        QTest::newRow("clean") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << false;
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\r\n\r\n") << true;
        QTest::newRow("bare CR") << QByteArray("GET / HTTP/1.1\r\nHost: x\rY: 1\r\n\r\n") << true;
        QTest::newRow("LF in body ignored") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\n\r\na\nb") << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("LF first") << QByteArray("\nGET / HTTP/1.1\r\n\r\n") << true;
        QTest::newRow("bare LF ends the last field") << QByteArray("GET / HTTP/1.1\r\nHost: x\n\r\n") << true;
        QTest::newRow("CR last of a partial head") << QByteArray("GET / HTTP/1.1\r") << false;
        QTest::newRow("partial head, bare CR") << QByteArray("GET / HTTP/1.1\rX") << true;
    }
    void detectsBareLineEndings()
    {
        QFETCH(QByteArray, head);
        QFETCH(bool, bare);
        QCOMPARE(hasBareLineEnding(std::string_view(head.constData(), size_t(head.size()))), bare);
    }

    void detectsObsFold_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<bool>("folded");
        QTest::newRow("clean") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nA: b c\r\n\r\n") << false;
        QTest::newRow("space fold") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\n  more\r\n\r\n") << true;
        QTest::newRow("tab fold") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nA:\r\n\tchunked\r\n\r\n") << true;
        QTest::newRow("space in body ignored") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\n\r\na\r\n b") << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("shortest fold") << QByteArray("\n ") << true;
        QTest::newRow("partial head ends at a line") << QByteArray("GET / HTTP/1.1\r\nA: 1\r\n") << false;
        QTest::newRow("fold after the request line") << QByteArray("GET / HTTP/1.1\r\n A: 1\r\n\r\n") << true;
    }
    void detectsObsFold()
    {
        QFETCH(QByteArray, head);
        QFETCH(bool, folded);
        QCOMPARE(hasObsFold(std::string_view(head.constData(), size_t(head.size()))), folded);
    }
};

QTEST_GUILESS_MAIN(TestPathNorm)
#include "tst_pathnorm.moc"
