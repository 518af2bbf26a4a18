#include "import/units.h"

#include <cctype>
#include <limits>

namespace hafront::import {
namespace {

constexpr uint64_t kMax = uint64_t(1) << 53; // anything larger is a typo, not a setting

std::optional<uint64_t> digits(const std::string &s, size_t &i)
{
    const size_t start = i;
    uint64_t v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        v = v * 10 + uint64_t(s[i++] - '0');
        if (v > kMax)
            return std::nullopt;
    }
    if (i == start)
        return std::nullopt;
    return v;
}

} // namespace

std::optional<int64_t> parseInteger(const std::string &text)
{
    size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
    const auto v = digits(text, i);
    if (!v || i != text.size())
        return std::nullopt;
    return text[0] == '-' ? -int64_t(*v) : int64_t(*v);
}

std::optional<uint64_t> parseNginxSize(const std::string &text)
{
    size_t i = 0;
    const auto v = digits(text, i);
    if (!v)
        return std::nullopt;
    if (i == text.size())
        return v;
    if (i + 1 != text.size())
        return std::nullopt;
    const char unit = char(std::tolower(static_cast<unsigned char>(text[i])));
    const uint64_t mult = unit == 'k' ? 1024 : unit == 'm' ? 1024 * 1024 : unit == 'g' ? 1024ull * 1024 * 1024 : 0;
    if (!mult || *v > kMax / mult)
        return std::nullopt;
    return *v * mult;
}

// nginx's ngx_parse_time: a sequence of NUMBER[unit], units ms s m h d w M y;
// a bare number is seconds.
std::optional<uint64_t> parseNginxTimeMs(const std::string &text)
{
    uint64_t total = 0;
    size_t i = 0;
    if (text.empty())
        return std::nullopt;
    while (i < text.size()) {
        const auto v = digits(text, i);
        if (!v)
            return std::nullopt;
        uint64_t mult = 1000;
        if (i < text.size()) {
            if (text.compare(i, 2, "ms") == 0) {
                mult = 1, i += 2;
            } else {
                switch (text[i++]) {
                case 's':
                    mult = 1000;
                    break;
                case 'm':
                    mult = 60000;
                    break;
                case 'h':
                    mult = 3600000;
                    break;
                case 'd':
                    mult = 86400000;
                    break;
                case 'w':
                    mult = 604800000;
                    break;
                case 'M':
                    mult = 2592000000ull;
                    break;
                case 'y':
                    mult = 31536000000ull;
                    break;
                default:
                    return std::nullopt;
                }
            }
        } else if (total != 0) {
            return std::nullopt; // "1h30": a bare number only stands alone
        }
        if (*v > kMax / mult)
            return std::nullopt;
        total += *v * mult;
    }
    return total;
}

std::optional<uint64_t> parseSecondsMs(const std::string &text)
{
    size_t i = 0;
    const auto whole = digits(text, i);
    if (!whole || *whole > kMax / 1000)
        return std::nullopt;
    uint64_t ms = *whole * 1000;
    if (i == text.size())
        return ms;
    if (text[i++] != '.')
        return std::nullopt;
    uint64_t scale = 100;
    const size_t fracStart = i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        ms += uint64_t(text[i] - '0') * scale;
        scale /= 10;
    }
    if (i != text.size() || i == fracStart)
        return std::nullopt;
    return ms;
}

} // namespace hafront::import
