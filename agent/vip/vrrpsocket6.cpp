// VRRP over IPv6 (RFC 5798 5.1.2): next header 112 to ff02::12 or unicast
// peers, hop limit 255, from the interface's link-local address (multicast)
// or the node's address6 (unicast). The kernel hands over the VRRP part only:
// source from the socket name, destination from IPV6_PKTINFO, hop limit from
// IPV6_HOPLIMIT, and vrrp::decode6 checks them all. No IPV6_CHECKSUM: the
// codec computes and verifies the checksum itself.
#include "vip/vrrpsocket.h"

#include "vrrp/packet6.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hafront::vip {
namespace {

std::string errnoText(const std::string &what)
{
    return what + ": " + std::strerror(errno);
}

class VrrpSocket6 final : public VrrpSocket {
public:
    VrrpSocket6(int fd, Setup setup) : VrrpSocket(fd, std::move(setup)) {}

    int send(uint8_t vrid, uint8_t priority, uint16_t intervalCs, const config::Address &vip,
             std::string &error) override
    {
        vrrp::Advert6 advert;
        advert.vrid = vrid;
        advert.priority = priority;
        advert.maxAdvertIntervalCs = intervalCs;
        advert.addresses = {vip.ip6};
        int sent = 0;
        for (const auto &dst : m_setup.destinations) {
            const auto bytes = vrrp::encode6(advert, m_setup.self.ip6, dst.ip6);
            sockaddr_in6 to{};
            to.sin6_family = AF_INET6;
            std::memcpy(&to.sin6_addr, dst.ip6.data(), 16);
            to.sin6_scope_id = unsigned(m_setup.ifindex);
            iovec iov{const_cast<uint8_t *>(bytes.data()), bytes.size()};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
            msghdr msg{};
            msg.msg_name = &to;
            msg.msg_namelen = sizeof to;
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = IPPROTO_IPV6;
            cmsg->cmsg_type = IPV6_PKTINFO;
            cmsg->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
            in6_pktinfo info{};
            std::memcpy(&info.ipi6_addr, m_setup.self.ip6.data(), 16); // the source the checksum was made for
            info.ipi6_ifindex = unsigned(m_setup.ifindex);
            std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);
            if (::sendmsg(m_fd, &msg, 0) < 0)
                error = errnoText("send advert to " + config::formatIPv6(dst.ip6));
            else
                ++sent;
        }
        return sent;
    }

    bool receive(ReceivedAdvert &out, vrrp::Drop &drop) override
    {
        alignas(8) uint8_t buffer[2048];
        sockaddr_in6 from{};
        iovec iov{buffer, sizeof buffer};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int))] = {};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(m_fd, &msg, 0);
        if (n < 0)
            return false; // EAGAIN: drained
        vrrp::IPv6 src{}, dst{};
        std::memcpy(src.data(), &from.sin6_addr, 16);
        int hopLimit = -1; // unknown: refused, like a wrong one
        for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != IPPROTO_IPV6)
                continue;
            if (c->cmsg_type == IPV6_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo))) {
                in6_pktinfo info;
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                std::memcpy(dst.data(), &info.ipi6_addr, 16);
            } else if (c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
                std::memcpy(&hopLimit, CMSG_DATA(c), sizeof hopLimit);
            }
        }
        vrrp::Received6 packet;
        drop = vrrp::decode6(buffer, size_t(n), src, dst, hopLimit, packet);
        if (drop == vrrp::Drop::None) {
            out.src = config::Address(src);
            out.vrid = packet.advert.vrid;
            out.priority = packet.advert.priority;
            out.intervalCs = packet.advert.maxAdvertIntervalCs;
        }
        return true;
    }
};

} // namespace

Result<std::unique_ptr<VrrpSocket>> openVrrpSocket6(const VrrpSocket::Setup &setup)
{
    const int fd = ::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, vrrp::kProtocol);
    if (fd < 0)
        return fail(errno == EPERM ? "VRRP needs CAP_NET_RAW (run hafront-agent as root)"
                                   : errnoText("raw IPv6 socket"));
    std::unique_ptr<VrrpSocket> socket(new VrrpSocket6(fd, setup));
    const std::string &ifname = setup.interface;
    if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), socklen_t(ifname.size())) < 0)
        return fail(errnoText("bind to device " + ifname));
    const int hops = 255, off = 0, on = 1, ifindex = setup.ifindex;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off);
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) < 0 ||
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on) < 0)
        return fail(errnoText("IPv6 ancillary data on " + ifname));
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) < 0)
        return fail(errnoText("multicast interface " + ifname));
    ipv6_mreq mreq{};
    std::memcpy(&mreq.ipv6mr_multiaddr, vrrp::kMulticastGroup6.data(), 16);
    mreq.ipv6mr_interface = unsigned(setup.ifindex);
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0)
        return fail(errnoText("join ff02::12 on " + ifname));
    return socket;
}

} // namespace hafront::vip
