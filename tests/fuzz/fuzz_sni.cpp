// Which certificate a TLS client gets for the name it sent (tls/sni.h): the
// first line is the SNI name, the rest certificate names, an empty line
// between certificate groups. The pick is a group that covers the name (or the
// default, 0, when none does), and case never changes the answer.
#include "fuzzcheck.h"
#include "tls/sni.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace hafront::tls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    std::vector<std::string> lines;
    size_t at = 0;
    while (at <= text.size() && lines.size() < 64) {
        const size_t nl = std::min(text.find('\n', at), text.size());
        lines.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    const std::string serverName = lines.empty() ? "" : lines[0];
    std::vector<std::vector<std::string>> groups(1);
    for (size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].empty())
            groups.emplace_back();
        else
            groups.back().push_back(lines[i]);
    }
    const size_t pick = pickCertificate(groups, serverName);
    FUZZ_CHECK(pick < groups.size(), "the pick is one of the groups");
    const bool covered = anyCovers(groups, serverName);
    if (pick != 0) {
        FUZZ_CHECK(std::any_of(groups[pick].begin(), groups[pick].end(),
                               [&](const std::string &n) { return nameCovers(n, serverName); }),
                   "a non-default pick covers the name");
    }
    if (!covered)
        FUZZ_CHECK(pick == 0, "a name nothing covers gets the default");
    std::string upper = serverName;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return char(c >= 'a' && c <= 'z' ? c - 32 : c); });
    FUZZ_CHECK(pickCertificate(groups, upper) == pick, "names compare without case");
    return 0;
}
