// Which certificate a TLS client gets for the name it asked for (SNI): an
// exact name beats a wildcard, a wildcard stands for exactly one leftmost
// label (RFC 6125 6.4.3: *.example.com covers www.example.com, not
// example.com nor a.b.example.com), no name or no match gets the first.
// Pure; names compare case-insensitively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hafront::tls {

bool nameCovers(std::string_view certificateName, std::string_view host);

// `names[i]` are the names of certificate group i; returns the group to use.
size_t pickCertificate(const std::vector<std::vector<std::string>> &names, std::string_view serverName);

// True when some group covers `host` (the config check: a route's host no certificate covers).
bool anyCovers(const std::vector<std::vector<std::string>> &names, std::string_view host);

} // namespace hafront::tls
