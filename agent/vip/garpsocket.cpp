#include "vip/garpsocket.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
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

struct __attribute__((packed)) ArpPacket {
    uint16_t htype, ptype;
    uint8_t hlen, plen;
    uint16_t op;
    uint8_t sha[6];
    uint32_t spa;
    uint8_t tha[6];
    uint32_t tpa;
};

} // namespace

Result<std::unique_ptr<GarpSocket>> GarpSocket::open()
{
    const int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(errno == EPERM ? "gratuitous ARP needs CAP_NET_RAW (run hafront-agent as root)"
                                   : errnoText("packet socket"));
    return std::unique_ptr<GarpSocket>(new GarpSocket(fd));
}

GarpSocket::~GarpSocket()
{
    ::close(m_fd);
}

Status GarpSocket::send(int ifindex, uint32_t ip)
{
    // The name and MAC by index on our own socket: two ioctls, no new socket.
    ifreq ifr{};
    ifr.ifr_ifindex = ifindex;
    if (::ioctl(m_fd, SIOCGIFNAME, &ifr) < 0)
        return fail(errnoText("interface " + std::to_string(ifindex)));
    if (::ioctl(m_fd, SIOCGIFHWADDR, &ifr) < 0)
        return fail(errnoText(std::string("MAC of ") + ifr.ifr_name));
    ArpPacket arp{};
    arp.htype = htons(ARPHRD_ETHER);
    arp.ptype = htons(ETH_P_IP);
    arp.hlen = 6;
    arp.plen = 4;
    arp.op = htons(ARPOP_REQUEST);
    std::memcpy(arp.sha, ifr.ifr_hwaddr.sa_data, 6);
    arp.spa = arp.tpa = htonl(ip);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    if (::sendto(m_fd, &arp, sizeof arp, 0, reinterpret_cast<sockaddr *>(&to), sizeof to) < 0)
        return fail(errnoText(std::string("send GARP on ") + ifr.ifr_name));
    return {};
}

} // namespace hafront::vip
