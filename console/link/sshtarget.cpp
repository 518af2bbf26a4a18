#include "link/sshtarget.h"

#include <charconv>

namespace hafront::link {

Result<SshTarget> SshTarget::parse(const std::string &text)
{
    SshTarget t;
    std::string rest = text;
    if (const auto at = rest.find('@'); at != std::string::npos) {
        t.user = rest.substr(0, at);
        rest = rest.substr(at + 1);
        if (t.user.empty())
            return fail("empty user in SSH target '" + text + "'");
    }
    if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
        const std::string port = rest.substr(colon + 1);
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            return fail("bad port '" + port + "' in SSH target '" + text + "'");
        t.port = static_cast<uint16_t>(value);
        rest = rest.substr(0, colon);
    }
    if (rest.empty())
        return fail("no host in SSH target '" + text + "'");
    t.host = rest;
    return t;
}

} // namespace hafront::link
