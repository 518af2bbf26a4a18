// Parsing of the address forms the config uses: "A.B.C.D", "A.B.C.D/len",
// "A.B.C.D:port". IPv4 only for now; values are in host byte order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hafront::config {

struct Endpoint {
    uint32_t ip = 0;
    uint16_t port = 0;
};

struct Prefix {
    uint32_t ip = 0;
    uint8_t length = 32;
};

std::optional<uint32_t> parseIPv4(std::string_view text);
std::optional<Endpoint> parseEndpoint(std::string_view text);
std::optional<Prefix> parsePrefix(std::string_view text);   // "/len" optional: /32
std::string formatIPv4(uint32_t ip);

} // namespace hafront::config
