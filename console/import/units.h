// nginx's and keepalived's number spellings: sizes ("1m", "8k"), times
// ("60s", "1h30m", "500ms", bare seconds) and keepalived's fractional seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hafront::import {

std::optional<uint64_t> parseNginxSize(const std::string &text);
std::optional<uint64_t> parseNginxTimeMs(const std::string &text); // bare number = seconds
std::optional<uint64_t> parseSecondsMs(const std::string &text);   // "1", "0.1", "2.5"
std::optional<int64_t> parseInteger(const std::string &text);

} // namespace hafront::import
