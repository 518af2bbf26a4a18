// The floor for a proxy's CPU per request: a relay that does only what every
// proxy must do with the same sockets, and nothing else. Each client
// connection gets its own backend connection (round robin) for its life; bytes
// from the client go to the backend as they come, and back. No HTTP: no
// parsing, no routing, no header rewrite, no pooling, no timers, no logs.
// With --cert/--key the client side is TLS (OpenSSL, read ahead on as hafront
// and nginx have it, default session tickets). The benchmarks run it beside
// the real proxies: what a proxy spends above this line is its own work; what
// is below it no proxy can save on this machine.
//
// Usage: relay --listen PORT --backend PORT [--backend PORT] [--threads N]
//              [--cert FILE --key FILE]            (loopback only)
// It stops after --max-seconds (default 600), like every bench tool here.

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct Options {
    int listenPort = 0;
    std::vector<int> backendPorts;
    int threads = 2;
    int maxSeconds = 600;
    std::string cert, key;
};

struct Connection;

// One side of a connection, what epoll hands back.
struct End {
    Connection *conn;
    int fd;
    bool client;
};

struct Connection {
    End client{this, -1, true};
    End backend{this, -1, false};
    SSL *ssl = nullptr;
    bool handshaken = false;
    bool dead = false;     // closed; freed after the epoll batch that may still name it
    std::string toClient;  // what the client's socket (or TLS) did not take yet
    std::string toBackend; // what the backend's socket did not take yet
};

[[noreturn]] void die(const char *what)
{
    std::perror(what);
    std::exit(1);
}

sockaddr_in loopback(int port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

void setNoDelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

class Loop {
public:
    Loop(const Options &o, SSL_CTX *ctx) : m_options(o), m_ctx(ctx) {}

    void run()
    {
        m_listen = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(m_listen, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        const sockaddr_in a = loopback(m_options.listenPort);
        if (bind(m_listen, reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0 || listen(m_listen, 4096) != 0)
            die("relay: listen");
        m_epoll = epoll_create1(0);
        epoll_event ev{EPOLLIN, {.ptr = nullptr}};
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listen, &ev);
        epoll_event events[256];
        for (;;) {
            const int n = epoll_wait(m_epoll, events, 256, -1);
            for (int i = 0; i < n; ++i) {
                if (!events[i].data.ptr)
                    acceptAll();
                else
                    onEvent(*static_cast<End *>(events[i].data.ptr), events[i].events);
            }
            for (Connection *c : m_closed)
                delete c;
            m_closed.clear();
        }
    }

private:
    void acceptAll()
    {
        for (;;) {
            const int fd = accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK);
            if (fd < 0)
                return;
            setNoDelay(fd);
            const int b = socket(AF_INET, SOCK_STREAM, 0);
            const sockaddr_in a = loopback(m_options.backendPorts[m_next++ % m_options.backendPorts.size()]);
            if (connect(b, reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0) { // loopback: at once
                close(b);
                close(fd);
                continue;
            }
            setNoDelay(b);
            fcntl(b, F_SETFL, fcntl(b, F_GETFL) | O_NONBLOCK);
            auto *c = new Connection;
            c->client.fd = fd;
            c->backend.fd = b;
            if (m_ctx) {
                c->ssl = SSL_new(m_ctx);
                SSL_set_fd(c->ssl, fd);
                SSL_set_accept_state(c->ssl);
            }
            add(c->client, EPOLLIN);
            add(c->backend, EPOLLIN);
        }
    }

    void add(End &e, uint32_t events)
    {
        epoll_event ev{events, {.ptr = &e}};
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, e.fd, &ev);
    }
    void modify(End &e, uint32_t events)
    {
        epoll_event ev{events, {.ptr = &e}};
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, e.fd, &ev);
    }

    void finish(Connection *c)
    {
        if (c->ssl) {
            if (c->handshaken)
                SSL_shutdown(c->ssl);
            SSL_free(c->ssl);
        }
        close(c->client.fd); // closing removes them from epoll
        close(c->backend.fd);
        c->dead = true;
        m_closed.push_back(c);
    }

    void onEvent(End &e, uint32_t events)
    {
        Connection *c = e.conn;
        if (c->dead)
            return;
        if (events & EPOLLOUT) {
            if (!(e.client ? flushClient(c) : flushBackend(c)))
                return finish(c);
        }
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            if (!(e.client ? fromClient(c) : fromBackend(c)))
                return finish(c);
        }
    }

    // Client bytes (through TLS when on) to the backend.
    bool fromClient(Connection *c)
    {
        if (!c->toBackend.empty())
            return true; // the backend has not taken the last ones: wait for it
        char buf[16384];
        for (;;) {
            ssize_t n;
            if (c->ssl) {
                size_t got = 0;
                ERR_clear_error();
                if (SSL_read_ex(c->ssl, buf, sizeof buf, &got) != 1) {
                    const int err = SSL_get_error(c->ssl, 0);
                    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                        if (!c->handshaken && SSL_is_init_finished(c->ssl))
                            c->handshaken = true;
                        return true;
                    }
                    return false;
                }
                c->handshaken = true;
                n = ssize_t(got);
            } else {
                n = read(c->client.fd, buf, sizeof buf);
                if (n < 0)
                    return errno == EAGAIN;
                if (n == 0)
                    return false;
            }
            const ssize_t w = send(c->backend.fd, buf, size_t(n), MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN)
                return false;
            const size_t done = w < 0 ? 0 : size_t(w);
            if (done < size_t(n)) {
                c->toBackend.assign(buf + done, size_t(n) - done);
                modify(c->backend, EPOLLIN | EPOLLOUT);
                return true;
            }
            if (!c->ssl || !SSL_has_pending(c->ssl))
                return true; // level-triggered: more bytes are reported again
        }
    }

    // Backend bytes to the client (through TLS when on).
    bool fromBackend(Connection *c)
    {
        if (!c->toClient.empty())
            return true;
        char buf[16384];
        const ssize_t n = recv(c->backend.fd, buf, sizeof buf, 0);
        if (n < 0)
            return errno == EAGAIN;
        if (n == 0)
            return false; // the backend closed (HTTP/1.0): so does the client's side
        c->toClient.assign(buf, size_t(n));
        return flushClient(c);
    }

    bool flushClient(Connection *c)
    {
        while (!c->toClient.empty()) {
            size_t w = 0;
            if (c->ssl) {
                ERR_clear_error();
                if (SSL_write_ex(c->ssl, c->toClient.data(), c->toClient.size(), &w) != 1) {
                    const int err = SSL_get_error(c->ssl, 0);
                    if (err != SSL_ERROR_WANT_WRITE && err != SSL_ERROR_WANT_READ)
                        return false;
                    modify(c->client, EPOLLIN | EPOLLOUT);
                    return true;
                }
            } else {
                const ssize_t n = send(c->client.fd, c->toClient.data(), c->toClient.size(), MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno != EAGAIN)
                        return false;
                    modify(c->client, EPOLLIN | EPOLLOUT);
                    return true;
                }
                w = size_t(n);
            }
            c->toClient.erase(0, w);
        }
        return true;
    }

    bool flushBackend(Connection *c)
    {
        while (!c->toBackend.empty()) {
            const ssize_t n = send(c->backend.fd, c->toBackend.data(), c->toBackend.size(), MSG_NOSIGNAL);
            if (n < 0)
                return errno == EAGAIN;
            c->toBackend.erase(0, size_t(n));
        }
        modify(c->backend, EPOLLIN);
        return fromClient(c); // the client's bytes held back meanwhile
    }

    const Options &m_options;
    SSL_CTX *m_ctx;
    int m_listen = -1;
    int m_epoll = -1;
    size_t m_next = 0;
    std::vector<Connection *> m_closed;
};

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--listen")
            o.listenPort = std::atoi(argv[i + 1]);
        else if (a == "--backend")
            o.backendPorts.push_back(std::atoi(argv[i + 1]));
        else if (a == "--threads")
            o.threads = std::atoi(argv[i + 1]);
        else if (a == "--cert")
            o.cert = argv[i + 1];
        else if (a == "--key")
            o.key = argv[i + 1];
        else if (a == "--max-seconds")
            o.maxSeconds = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "relay: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    if (o.listenPort <= 0 || o.backendPorts.empty() || o.threads < 1 || o.threads > 64 || o.maxSeconds < 1) {
        std::fprintf(stderr, "usage: relay --listen PORT --backend PORT [--backend PORT] [--threads N] "
                             "[--cert FILE --key FILE] [--max-seconds S]\n");
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    alarm(unsigned(o.maxSeconds)); // bounded, like every bench loop
    SSL_CTX *ctx = nullptr;
    if (!o.cert.empty()) {
        ctx = SSL_CTX_new(TLS_server_method());
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_read_ahead(ctx, 1);
        if (SSL_CTX_use_certificate_chain_file(ctx, o.cert.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, o.key.c_str(), SSL_FILETYPE_PEM) != 1) {
            ERR_print_errors_fp(stderr);
            return 1;
        }
    }
    std::vector<std::thread> threads;
    for (int i = 0; i < o.threads; ++i)
        threads.emplace_back([&] { Loop(o, ctx).run(); });
    for (auto &t : threads)
        t.join();
}
