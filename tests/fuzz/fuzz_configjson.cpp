// The cluster config in the protobuf JSON mapping through
// config::loadClusterText: the key-position scanner (fieldlocations.cpp), the
// JSON parser and the validator.
#include "configcheck.h"

#include <cctype>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    // Only what the loader takes for JSON (first non-space byte '{').
    const auto first = std::find_if(text.begin(), text.end(), [](char c) { return !std::isspace(uint8_t(c)); });
    if (first == text.end() || *first != '{')
        return 0;
    hafront::fuzz::checkLoaded(text);
    return 0;
}
