// VIP addresses on interfaces through rtnetlink (libmnl). Every address we add
// carries our marker (IFA_PROTO kProtocolMarker and the label IF:hf), so a
// restart or `hafront-agent --cleanup` removes exactly what a crashed agent left.
// IPv6 VIPs go on with IFA_F_NODAD: duplicate address detection would keep a
// new master from using (and announcing) the VIP for a second or more.
#pragma once

#include "base/result.h"
#include "config/address.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hafront::vip {

inline constexpr uint8_t kProtocolMarker = 0x68; // 'h': our IFA_PROTO value

struct InstalledAddress {
    int ifindex = 0;
    config::Address ip; // IPv4 (host byte order) or IPv6
    uint8_t prefixLength = 32;
    uint8_t protocol = 0;
    std::string label;
};

Result<int> interfaceIndex(const std::string &name);
Status addAddress(int ifindex, const config::Address &ip, uint8_t prefixLength, const std::string &label);
// Removing an address that is not there is not an error.
Status removeAddress(int ifindex, const config::Address &ip, uint8_t prefixLength);
Result<std::vector<InstalledAddress>> listAddresses(); // both families
// The label we put on a VIP of `interface` ("eth0:hf"), empty when too long.
std::string markerLabel(const std::string &interface);
bool isOurs(const InstalledAddress &address, const std::string &interface);

} // namespace hafront::vip
