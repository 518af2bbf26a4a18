// GarpSocket: gratuitous ARP from one packet socket that lives as long as the
// VRRP engine. Closing an AF_PACKET socket waits for an RCU grace period
// (12.4 ms per open+close on kernel 6.18, protocol 0 or ETH_P_ARP alike), so a
// socket per GARP stalled every takeover by ~36 ms (three GARPs).
#pragma once

#include "base/result.h"

#include <cstdint>
#include <memory>

namespace hafront::vip {

class GarpSocket {
public:
    // Protocol 0: the socket receives nothing, so no ARP traffic queues on it.
    // It is not bound to an interface: each send names one, so one socket
    // serves every interface, and an interface that is recreated (new index,
    // new MAC) needs no reopen.
    static Result<std::unique_ptr<GarpSocket>> open();
    ~GarpSocket();
    GarpSocket(const GarpSocket &) = delete;
    GarpSocket &operator=(const GarpSocket &) = delete;

    // One gratuitous ARP (request form, sender = target = `ip`, host byte
    // order) on `ifindex`, from the interface's current MAC.
    Status send(int ifindex, uint32_t ip);
    int fd() const { return m_fd; }

private:
    explicit GarpSocket(int fd) : m_fd(fd) {}
    int m_fd;
};

} // namespace hafront::vip
