// NaSocket: unsolicited Neighbor Advertisements (vrrp/neighboradvert.h) for
// IPv6 VIPs, from one packet socket that lives as long as the VRRP engine,
// like GarpSocket and for the same reason (closing an AF_PACKET socket waits
// for an RCU grace period, ~12 ms).
#pragma once

#include "base/result.h"
#include "config/address.h"

#include <memory>

namespace hafront::vip {

class NaSocket {
public:
    // Protocol 0: receives nothing. Not bound: each send names its interface.
    static Result<std::unique_ptr<NaSocket>> open();
    ~NaSocket();
    NaSocket(const NaSocket &) = delete;
    NaSocket &operator=(const NaSocket &) = delete;

    // One NA for `vip` to ff02::1 on `ifindex`, Override set, from the
    // interface's current MAC.
    Status send(int ifindex, const config::IPv6 &vip);
    int fd() const { return m_fd; }

private:
    explicit NaSocket(int fd) : m_fd(fd) {}
    int m_fd;
};

} // namespace hafront::vip
