#include "http/headers.h"

#include "http/httptext.h"

namespace hafront::http {

const std::string *ParsedHead::find(std::string_view lowerName) const
{
    for (const auto &[k, v] : headers)
        if (equalsLower(k, lowerName))
            return &v;
    return nullptr;
}

int ParsedHead::count(std::string_view lowerName) const
{
    int n = 0;
    for (const auto &[k, v] : headers)
        n += equalsLower(k, lowerName);
    return n;
}

} // namespace hafront::http
