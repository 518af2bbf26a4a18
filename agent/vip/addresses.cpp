#include "vip/addresses.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace hafront::vip {
namespace {

std::string errnoText(const std::string &what)
{
    return what + ": " + std::strerror(errno);
}

class Netlink {
public:
    Netlink() : m_nl(mnl_socket_open(NETLINK_ROUTE))
    {
        if (m_nl && mnl_socket_bind(m_nl, 0, MNL_SOCKET_AUTOPID) < 0) {
            mnl_socket_close(m_nl);
            m_nl = nullptr;
        }
    }
    ~Netlink()
    {
        if (m_nl)
            mnl_socket_close(m_nl);
    }
    bool ok() const { return m_nl != nullptr; }

    // Sends one request and reads until the ACK (or the end of a dump).
    Status exchange(nlmsghdr *request, mnl_cb_t callback, void *data)
    {
        const unsigned seq = request->nlmsg_seq = unsigned(time(nullptr)) ^ ++m_counter;
        if (mnl_socket_sendto(m_nl, request, request->nlmsg_len) < 0)
            return fail(errnoText("netlink send"));
        const unsigned portid = mnl_socket_get_portid(m_nl);
        for (;;) {
            const ssize_t n = mnl_socket_recvfrom(m_nl, m_buffer, sizeof m_buffer);
            if (n < 0)
                return fail(errnoText("netlink receive"));
            const int r = mnl_cb_run(m_buffer, size_t(n), seq, portid, callback, data);
            if (r < 0)
                return fail(errnoText("netlink"));
            if (r <= MNL_CB_STOP)
                return {};
        }
    }

private:
    mnl_socket *m_nl;
    unsigned m_counter = 0;
    alignas(nlmsghdr) char m_buffer[32768];
};

nlmsghdr *addressRequest(char *buffer, uint16_t type, uint16_t flags, int ifindex, const config::Address &ip,
                         uint8_t prefixLength)
{
    nlmsghdr *nlh = mnl_nlmsg_put_header(buffer);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    auto *ifa = static_cast<ifaddrmsg *>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = ip.v6 ? AF_INET6 : AF_INET;
    ifa->ifa_prefixlen = prefixLength;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = unsigned(ifindex);
    if (ip.v6) {
        ifa->ifa_flags = IFA_F_NODAD;
        mnl_attr_put(nlh, IFA_LOCAL, 16, ip.ip6.data());
        mnl_attr_put(nlh, IFA_ADDRESS, 16, ip.ip6.data());
        mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
        return nlh;
    }
    const uint32_t be = htonl(ip.ip);
    mnl_attr_put(nlh, IFA_LOCAL, sizeof be, &be);
    mnl_attr_put(nlh, IFA_ADDRESS, sizeof be, &be);
    return nlh;
}

int collectAddress(const nlmsghdr *nlh, void *data)
{
    auto *out = static_cast<std::vector<InstalledAddress> *>(data);
    const auto *ifa = static_cast<const ifaddrmsg *>(mnl_nlmsg_get_payload(nlh));
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
        return MNL_CB_OK;
    const bool v6 = ifa->ifa_family == AF_INET6;
    InstalledAddress a;
    bool haveLocal = false;
    a.ifindex = int(ifa->ifa_index);
    a.prefixLength = ifa->ifa_prefixlen;
    const auto *tail = static_cast<const char *>(mnl_nlmsg_get_payload_tail(nlh));
    for (auto *attr = static_cast<const nlattr *>(mnl_nlmsg_get_payload_offset(nlh, sizeof(ifaddrmsg)));
         mnl_attr_ok(attr, int(tail - reinterpret_cast<const char *>(attr))); attr = mnl_attr_next(attr)) {
        switch (mnl_attr_get_type(attr)) {
        case IFA_LOCAL:
        case IFA_ADDRESS:
            // IPv6 has IFA_ADDRESS only, except on point-to-point links.
            if (haveLocal && mnl_attr_get_type(attr) == IFA_ADDRESS)
                break;
            haveLocal = haveLocal || mnl_attr_get_type(attr) == IFA_LOCAL;
            if (v6 && mnl_attr_get_payload_len(attr) == 16) {
                config::IPv6 ip6;
                std::memcpy(ip6.data(), mnl_attr_get_payload(attr), 16);
                a.ip = config::Address(ip6);
            } else if (!v6 && mnl_attr_get_payload_len(attr) == 4) {
                a.ip = ntohl(mnl_attr_get_u32(attr));
            }
            break;
        case IFA_LABEL:
            a.label = mnl_attr_get_str(attr);
            break;
        case IFA_PROTO:
            a.protocol = mnl_attr_get_u8(attr);
            break;
        default:
            break;
        }
    }
    out->push_back(std::move(a));
    return MNL_CB_OK;
}

} // namespace

Result<int> interfaceIndex(const std::string &name)
{
    const unsigned index = if_nametoindex(name.c_str());
    if (index == 0)
        return fail("no interface " + name + ": " + std::strerror(errno));
    return int(index);
}

std::string markerLabel(const std::string &interface)
{
    std::string label = interface + ":hf";
    return label.size() < IFNAMSIZ ? label : std::string();
}

bool isOurs(const InstalledAddress &address, const std::string &interface)
{
    if (address.protocol == kProtocolMarker)
        return true;
    const std::string label = markerLabel(interface);
    return !label.empty() && address.label == label;
}

Status addAddress(int ifindex, const config::Address &ip, uint8_t prefixLength, const std::string &label)
{
    Netlink nl;
    if (!nl.ok())
        return fail(errnoText("netlink socket"));
    alignas(nlmsghdr) char buffer[1024];
    nlmsghdr *nlh = addressRequest(buffer, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, ip, prefixLength);
    if (!label.empty() && !ip.v6) // IPv6 addresses have no label: IFA_PROTO marks them
        mnl_attr_put_strz(nlh, IFA_LABEL, label.c_str());
    mnl_attr_put_u8(nlh, IFA_PROTO, kProtocolMarker);
    if (auto ok = nl.exchange(nlh, nullptr, nullptr); !ok)
        return fail("add address: " + ok.error());
    return {};
}

Status removeAddress(int ifindex, const config::Address &ip, uint8_t prefixLength)
{
    Netlink nl;
    if (!nl.ok())
        return fail(errnoText("netlink socket"));
    alignas(nlmsghdr) char buffer[1024];
    nlmsghdr *nlh = addressRequest(buffer, RTM_DELADDR, 0, ifindex, ip, prefixLength);
    if (auto ok = nl.exchange(nlh, nullptr, nullptr); !ok) {
        if (errno == EADDRNOTAVAIL || errno == ENOENT || errno == ESRCH)
            return {};
        return fail("remove address: " + ok.error());
    }
    return {};
}

Result<std::vector<InstalledAddress>> listAddresses()
{
    Netlink nl;
    if (!nl.ok())
        return fail(errnoText("netlink socket"));
    alignas(nlmsghdr) char buffer[1024];
    nlmsghdr *nlh = mnl_nlmsg_put_header(buffer);
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    auto *ifa = static_cast<ifaddrmsg *>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = AF_UNSPEC;
    std::vector<InstalledAddress> out;
    if (auto ok = nl.exchange(nlh, collectAddress, &out); !ok)
        return fail("list addresses: " + ok.error());
    return out;
}

} // namespace hafront::vip
