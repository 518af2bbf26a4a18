#include "vip/nasocket.h"

#include "vrrp/neighboradvert.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
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
} // namespace

Result<std::unique_ptr<NaSocket>> NaSocket::open()
{
    const int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(errno == EPERM ? "neighbor advertisements need CAP_NET_RAW (run hafront-agent as root)"
                                   : errnoText("packet socket"));
    return std::unique_ptr<NaSocket>(new NaSocket(fd));
}

NaSocket::~NaSocket()
{
    ::close(m_fd);
}

Status NaSocket::send(int ifindex, const config::IPv6 &vip)
{
    ifreq ifr{};
    ifr.ifr_ifindex = ifindex;
    if (::ioctl(m_fd, SIOCGIFNAME, &ifr) < 0)
        return fail(errnoText("interface " + std::to_string(ifindex)));
    if (::ioctl(m_fd, SIOCGIFHWADDR, &ifr) < 0)
        return fail(errnoText(std::string("MAC of ") + ifr.ifr_name));
    vrrp::Mac mac;
    std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, 6);
    const auto packet = vrrp::neighborAdvert(vip, mac);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_IPV6);
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    std::memcpy(to.sll_addr, vrrp::kAllNodesMac.data(), 6);
    if (::sendto(m_fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof to) < 0)
        return fail(errnoText(std::string("send NA on ") + ifr.ifr_name));
    return {};
}

} // namespace hafront::vip
