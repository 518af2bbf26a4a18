// VRRP over IPv4: IP protocol 112 to 224.0.0.18 or unicast peers, TTL 255,
// the source in IP_PKTINFO.
#include "vip/vrrpsocket.h"

#include <arpa/inet.h>
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

class VrrpSocket4 final : public VrrpSocket {
public:
    VrrpSocket4(int fd, Setup setup) : VrrpSocket(fd, std::move(setup)) {}

    int send(uint8_t vrid, uint8_t priority, uint16_t intervalCs, const config::Address &vip,
             std::string &error) override
    {
        vrrp::Advert advert;
        advert.vrid = vrid;
        advert.priority = priority;
        advert.maxAdvertIntervalCs = intervalCs;
        advert.addresses = {vip.ip};
        int sent = 0;
        for (const auto &dst : m_setup.destinations) {
            const auto bytes = vrrp::encode(advert, m_setup.self.ip, dst.ip);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_addr.s_addr = htonl(dst.ip);
            iovec iov{const_cast<uint8_t *>(bytes.data()), bytes.size()};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
            msghdr msg{};
            msg.msg_name = &to;
            msg.msg_namelen = sizeof to;
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = IPPROTO_IP;
            cmsg->cmsg_type = IP_PKTINFO;
            cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
            in_pktinfo info{};
            info.ipi_ifindex = m_setup.ifindex;
            info.ipi_spec_dst.s_addr = htonl(m_setup.self.ip);
            std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);
            if (::sendmsg(m_fd, &msg, 0) < 0)
                error = errnoText("send advert to " + config::formatIPv4(dst.ip));
            else
                ++sent;
        }
        return sent;
    }

    bool receive(ReceivedAdvert &out, vrrp::Drop &drop) override
    {
        alignas(8) uint8_t buffer[2048];
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n < 0)
            return false; // EAGAIN: drained
        vrrp::Received packet;
        drop = vrrp::decode(buffer, size_t(n), packet);
        if (drop == vrrp::Drop::None) {
            out.src = packet.srcIp;
            out.vrid = packet.advert.vrid;
            out.priority = packet.advert.priority;
            out.intervalCs = packet.advert.maxAdvertIntervalCs;
        }
        return true;
    }
};

} // namespace

VrrpSocket::~VrrpSocket()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<std::unique_ptr<VrrpSocket>> VrrpSocket::open(const Setup &setup)
{
    return setup.self.v6 ? openVrrpSocket6(setup) : openVrrpSocket4(setup);
}

Result<std::unique_ptr<VrrpSocket>> openVrrpSocket4(const VrrpSocket::Setup &setup)
{
    const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, vrrp::kProtocol);
    if (fd < 0)
        return fail(errno == EPERM ? "VRRP needs CAP_NET_RAW (run hafront-agent as root)" : errnoText("raw socket"));
    std::unique_ptr<VrrpSocket> socket(new VrrpSocket4(fd, setup));
    const std::string &ifname = setup.interface;
    if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), socklen_t(ifname.size())) < 0)
        return fail(errnoText("bind to device " + ifname));
    // Not bound to the node address: a bound raw socket would only see packets
    // sent to that address, not to 224.0.0.18. The source goes in IP_PKTINFO.
    const int ttl = 255, off = 0;
    ::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof off);
    ip_mreqn mreq{};
    mreq.imr_multiaddr.s_addr = htonl(vrrp::kMulticastGroup);
    mreq.imr_address.s_addr = htonl(setup.self.ip);
    mreq.imr_ifindex = setup.ifindex;
    if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) < 0)
        return fail(errnoText("multicast interface " + ifname));
    if (::setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0)
        return fail(errnoText("join 224.0.0.18 on " + ifname));
    return socket;
}

} // namespace hafront::vip
