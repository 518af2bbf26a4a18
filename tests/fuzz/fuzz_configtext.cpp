// The cluster config in protobuf text format through config::loadClusterText,
// as `hafront-agent --check-config` and the agent's start read it: parser,
// position fix-ups, field locations and the validator.
#include "configcheck.h"

#include <cctype>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    // A text that starts with '{' is JSON to the loader: fuzz_configjson's job.
    const auto first = std::find_if(text.begin(), text.end(), [](char c) { return !std::isspace(uint8_t(c)); });
    if (first != text.end() && *first == '{')
        return 0;
    hafront::fuzz::checkLoaded(text);
    return 0;
}
