// Where a redirect route sends the client: scheme://host[:port]path, each
// part from the route when set, else from the request (host without its
// port; the whole target, query included). The port is left out when it is
// the scheme's default. Pure.
#pragma once

#include "hafront/v1/cluster.pb.h"

#include <string>
#include <string_view>

namespace hafront::http {

// `host`: the request's Host (checked by requestcheck), maybe with a port;
// `target`: its origin-form target.
std::string redirectLocation(const v1::Redirect &redirect, std::string_view host, std::string_view target);
int redirectStatus(const v1::Redirect &redirect); // 301 when unset

} // namespace hafront::http
