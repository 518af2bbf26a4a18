#include "drill/prober.h"

#include "base/clock.h"
#include "config/address.h"
#include "http/responsehead.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <map>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hafront::drill {
namespace {

bool allowedAddress(const config::Address &a, const std::vector<config::Address> &extra)
{
    if (!a.v6 && ((a.ip >> 24) == 127 || (a.ip & 0xffffff00u) == 0xc0000200u)) // 127/8, 192.0.2.0/24
        return true;
    constexpr config::IPv6 loopback6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (a.v6 && (a.ip6 == loopback6 ||
                 (a.ip6[0] == 0x20 && a.ip6[1] == 0x01 && a.ip6[2] == 0x0d && a.ip6[3] == 0xb8))) // ::1, 2001:db8::/32
        return true;
    return std::find(extra.begin(), extra.end(), a) != extra.end();
}

struct InFlight {
    ProbeResult result;
    bool connected = false;
    std::string buffer;
};

void closeHard(int fd)
{
    linger l{1, 0}; // RST: thousands of probes must not leave TIME_WAIT behind
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
}

} // namespace

Result<ProbeTarget> ProbeTarget::parse(const std::string &url)
{
    ProbeTarget t;
    std::string rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("tcp://", 0) == 0) {
        t.http = false;
        rest = url.substr(6);
    } else {
        return fail("probe URL must start with http:// or tcp://: " + url);
    }
    const auto slash = rest.find('/');
    const std::string hostPort = rest.substr(0, slash);
    if (slash != std::string::npos)
        t.path = rest.substr(slash);
    // The path goes verbatim into the request line: a space, CR, LF or other
    // control byte there would split it or add a header.
    for (char c : t.path)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return fail("probe URL path holds a character that needs escaping: " + url);
    // "[v6]" or "[v6]:port"; else "A.B.C.D" or "A.B.C.D:port".
    std::string host = hostPort;
    std::string portText;
    bool hasPort = false;
    if (!hostPort.empty() && hostPort[0] == '[') {
        const auto close = hostPort.find(']');
        if (close == std::string::npos)
            return fail("probe URL has '[' without ']': " + url);
        host = hostPort.substr(1, close - 1);
        const std::string after = hostPort.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':')
                return fail("bad port in probe URL: " + url);
            hasPort = true;
            portText = after.substr(1);
        }
        const auto ip6 = config::parseIPv6(host);
        if (!ip6)
            return fail("probe URL needs an IPv4 or a bracketed IPv6 address: " + url);
        t.address = config::Address(*ip6);
    } else {
        const auto colon = hostPort.find(':');
        host = hostPort.substr(0, colon);
        hasPort = colon != std::string::npos;
        if (hasPort)
            portText = hostPort.substr(colon + 1);
        const auto ip = config::parseIPv4(host);
        if (!ip)
            return fail("probe URL needs an IPv4 or a bracketed IPv6 address: " + url);
        t.address = *ip;
    }
    if (hasPort) {
        // Digits only: atoi read "80abc" as 80 and overflowed on long numbers.
        int port = 0;
        if (portText.empty() || portText.size() > 5 || portText.find_first_not_of("0123456789") != std::string::npos ||
            (port = std::stoi(portText)) <= 0 || port > 65535)
            return fail("bad port in probe URL: " + url);
        t.port = static_cast<uint16_t>(port);
    } else if (!t.http) {
        return fail("tcp probe URL needs a port: " + url);
    }
    t.hostHeader = config::formatHost(t.address) + (hasPort ? ":" + std::to_string(t.port) : "");
    return t;
}

std::string ProbeTarget::url() const
{
    return (http ? "http://" : "tcp://") + config::formatHost(address) + ":" + std::to_string(port) +
           (http ? path : "");
}

Prober::Prober(Options options) : m_options(std::move(options)) {}

Prober::~Prober()
{
    stop();
}

Status Prober::start()
{
    if (!allowedAddress(m_options.target.address, m_options.allowed))
        return fail("refusing to probe " + config::formatAddress(m_options.target.address) +
                    ": only loopback, the lab networks and the VIP's own address");
    if (m_options.rateHz <= 0 || m_options.rateHz > 2000)
        return fail("probe rate must be within 1-2000 per second");
    m_stop = false;
    m_running = true;
    m_thread = std::thread([this] { run(); });
    return {};
}

void Prober::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    m_running = false;
}

std::vector<ProbeResult> Prober::takeNew()
{
    std::lock_guard lock(m_mutex);
    std::vector<ProbeResult> out(m_results.begin() + static_cast<long>(m_taken), m_results.end());
    m_taken = m_results.size();
    return out;
}

std::vector<ProbeResult> Prober::results() const
{
    std::lock_guard lock(m_mutex);
    return m_results;
}

void Prober::run()
{
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    std::map<int, InFlight> flights;
    const auto &t = m_options.target;
    const std::string request = "GET " + t.path + " HTTP/1.1\r\nHost: " + t.hostHeader +
                                "\r\nUser-Agent: hafront-drill\r\nConnection: close\r\n\r\n";
    sockaddr_storage peer{};
    socklen_t peerLength = 0;
    if (t.address.v6) {
        auto *sa = reinterpret_cast<sockaddr_in6 *>(&peer);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(t.port);
        std::memcpy(&sa->sin6_addr, t.address.ip6.data(), 16);
        peerLength = sizeof *sa;
    } else {
        auto *sa = reinterpret_cast<sockaddr_in *>(&peer);
        sa->sin_family = AF_INET;
        sa->sin_port = htons(t.port);
        sa->sin_addr.s_addr = htonl(t.address.ip);
        peerLength = sizeof *sa;
    }
    const int64_t startUs = monoMicros();
    const double stepUs = 1e6 / m_options.rateHz;
    const int64_t timeoutUs = int64_t(m_options.timeoutMs) * 1000;
    int64_t sent = 0;
    auto finish = [&](int fd, bool ok, std::string error) {
        InFlight &f = flights[fd];
        f.result.ok = ok;
        f.result.error = std::move(error);
        f.result.latencyUs = monoMicros() - f.result.sendUs;
        ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        closeHard(fd);
        {
            std::lock_guard lock(m_mutex);
            m_results.push_back(std::move(f.result));
        }
        flights.erase(fd);
    };
    for (;;) {
        const int64_t now = monoMicros();
        const bool sending = !m_stop && now - startUs < int64_t(m_options.maxDurationMs) * 1000;
        if (!sending && flights.empty())
            break;
        const int64_t due = startUs + int64_t(double(sent) * stepUs);
        if (sending && now >= due) {
            ++sent;
            const int fd = ::socket(t.address.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            InFlight f;
            f.result.sendUs = now;
            if (fd < 0) {
                std::lock_guard lock(m_mutex);
                m_results.push_back({now, 0, false, "", std::string("socket: ") + std::strerror(errno)});
                continue;
            }
            flights[fd] = std::move(f);
            const int rc = ::connect(fd, reinterpret_cast<const sockaddr *>(&peer), peerLength);
            if (rc < 0 && errno != EINPROGRESS) {
                finish(fd, false, std::string("connect: ") + std::strerror(errno));
                continue;
            }
            epoll_event ev{};
            ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
            ev.data.fd = fd;
            ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            continue;
        }
        const int64_t waitUs = sending ? std::max<int64_t>(0, due - now) : 1000;
        epoll_event events[64];
        const int n = ::epoll_wait(ep, events, 64, int(std::min<int64_t>(waitUs / 1000, 5)));
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            auto it = flights.find(fd);
            if (it == flights.end())
                continue;
            InFlight &f = it->second;
            if (!f.connected) {
                int err = 0;
                socklen_t len = sizeof err;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err) {
                    finish(fd, false, std::string("connect: ") + std::strerror(err));
                    continue;
                }
                if (!(events[i].events & EPOLLOUT))
                    continue;
                f.connected = true;
                if (!t.http) {
                    finish(fd, true, "");
                    continue;
                }
                ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
                epoll_event ev{};
                ev.events = EPOLLIN | EPOLLRDHUP;
                ev.data.fd = fd;
                ::epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
                continue;
            }
            char buf[4096];
            const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
            if (got > 0)
                f.buffer.append(buf, size_t(got));
            const auto head = http::ResponseHead::parseHead(f.buffer);
            if (head.parse == http::ResponseHead::Parse::Ready) {
                if (const std::string *servedBy = head.find("x-served-by"))
                    f.result.servedBy = *servedBy;
                const bool ok = head.status >= 200 && head.status < 400;
                finish(fd, ok, ok ? "" : "HTTP " + std::to_string(head.status));
            } else if (head.parse == http::ResponseHead::Parse::Bad) {
                finish(fd, false, "bad response head: " + head.why);
            } else if (got == 0 || (got < 0 && errno != EAGAIN)) {
                finish(fd, false, got == 0 ? "closed before the answer" : std::string("recv: ") + std::strerror(errno));
            }
        }
        const int64_t later = monoMicros();
        std::vector<int> expired;
        for (const auto &[fd, f] : flights)
            if (later - f.result.sendUs > timeoutUs)
                expired.push_back(fd);
        for (int fd : expired)
            finish(fd, false, flights[fd].connected ? "timeout waiting for the answer" : "timeout connecting");
    }
    ::close(ep);
}

} // namespace hafront::drill
