// VrrpSocket: the raw socket one virtual router sends and receives adverts on,
// one implementation per family — vrrpsocket4.cpp (IP protocol 112, the IPv4
// header handed over with the packet) and vrrpsocket6.cpp (IPv6 next header
// 112, source, destination and hop limit beside the packet). They translate
// bytes; vrrp/packet.h and vrrp/packet6.h check them.
#pragma once

#include "base/result.h"
#include "config/address.h"
#include "vrrp/packet.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hafront::vip {

struct ReceivedAdvert {
    config::Address src;
    uint8_t vrid = 0;
    uint8_t priority = 0;
    uint16_t intervalCs = 0;
};

class VrrpSocket {
public:
    struct Setup {
        std::string interface;
        int ifindex = 0;
        config::Address self; // IPv4 node address, or IPv6 link-local (multicast) / address6 (unicast)
        std::vector<config::Address> destinations; // multicast group or unicast peers, same family
    };
    // The family is self's.
    static Result<std::unique_ptr<VrrpSocket>> open(const Setup &setup);
    virtual ~VrrpSocket();
    VrrpSocket(const VrrpSocket &) = delete;
    VrrpSocket &operator=(const VrrpSocket &) = delete;

    int fd() const { return m_fd; }
    // One advert to every destination; returns how many went out, the last error in `error`.
    virtual int send(uint8_t vrid, uint8_t priority, uint16_t intervalCs, const config::Address &vip,
                     std::string &error) = 0;
    // Reads one packet: false when none is left; otherwise `drop` says whether `out` holds an advert.
    virtual bool receive(ReceivedAdvert &out, vrrp::Drop &drop) = 0;

protected:
    explicit VrrpSocket(int fd, Setup setup) : m_fd(fd), m_setup(std::move(setup)) {}
    int m_fd;
    Setup m_setup;
};

Result<std::unique_ptr<VrrpSocket>> openVrrpSocket4(const VrrpSocket::Setup &setup);
Result<std::unique_ptr<VrrpSocket>> openVrrpSocket6(const VrrpSocket::Setup &setup);

} // namespace hafront::vip
