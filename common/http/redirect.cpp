#include "http/redirect.h"

#include "http/httptext.h"

namespace hafront::http {

int redirectStatus(const v1::Redirect &redirect)
{
    return redirect.status() ? int(redirect.status()) : 301;
}

std::string redirectLocation(const v1::Redirect &redirect, std::string_view host, std::string_view target)
{
    const std::string scheme = redirect.scheme().empty() ? "https" : redirect.scheme();
    std::string location = scheme + "://";
    location.append(redirect.host().empty() ? hostWithoutPort(host) : std::string_view(redirect.host()));
    const uint32_t defaultPort = scheme == "https" ? 443 : 80;
    if (redirect.port() && redirect.port() != defaultPort)
        location.append(":").append(std::to_string(redirect.port()));
    if (!redirect.path().empty())
        location.append(redirect.path());
    else
        location.append(target.empty() ? std::string_view("/") : target);
    return location;
}

} // namespace hafront::http
