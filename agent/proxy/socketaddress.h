// Endpoints of either family as the socket calls want them, and the client
// address of an accepted connection as the proxy writes it (X-Forwarded-For,
// X-Real-IP, the access log, the consistent hash): RFC 5952 text for IPv6.
#pragma once

#include "config/address.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace hafront::proxy {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;

    int family() const { return storage.ss_family; }
    const sockaddr *get() const { return reinterpret_cast<const sockaddr *>(&storage); }

    static SocketAddress of(const config::Endpoint &e)
    {
        SocketAddress out;
        if (e.v6) {
            auto *in6 = reinterpret_cast<sockaddr_in6 *>(&out.storage);
            in6->sin6_family = AF_INET6;
            in6->sin6_port = htons(e.port);
            std::memcpy(&in6->sin6_addr, e.ip6.data(), 16);
            out.length = sizeof(sockaddr_in6);
        } else {
            auto *in = reinterpret_cast<sockaddr_in *>(&out.storage);
            in->sin_family = AF_INET;
            in->sin_port = htons(e.port);
            in->sin_addr.s_addr = htonl(e.ip);
            out.length = sizeof(sockaddr_in);
        }
        return out;
    }
};

inline config::Address addressOf(const sockaddr_storage &peer)
{
    config::Address a;
    if (peer.ss_family == AF_INET6) {
        a.v6 = true;
        std::memcpy(a.ip6.data(), &reinterpret_cast<const sockaddr_in6 &>(peer).sin6_addr, 16);
    } else if (peer.ss_family == AF_INET) {
        a.ip = ntohl(reinterpret_cast<const sockaddr_in &>(peer).sin_addr.s_addr);
    }
    return a;
}

} // namespace hafront::proxy
