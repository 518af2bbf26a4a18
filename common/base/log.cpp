#include "base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace hafront::log {
namespace {
std::atomic<int> g_minimum{static_cast<int>(Level::Info)};

const char *levelName(Level level)
{
    switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
    }
    return "?";
}
} // namespace

void setMinimumLevel(Level level) { g_minimum.store(static_cast<int>(level), std::memory_order_relaxed); }

void write(Level level, std::string_view category, std::string_view message)
{
    if (static_cast<int>(level) < g_minimum.load(std::memory_order_relaxed))
        return;
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t secs = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    std::string line;
    line.reserve(64 + message.size());
    line.append(stamp).append(" ").append(levelName(level)).append(" ");
    line.append(category).append(" ").append(message).append("\n");
    // One write() per line so lines from different threads never interleave.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

std::string quote(std::string_view value)
{
    bool plain = !value.empty();
    for (char c : value)
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || c < 0x20)
            plain = false;
    if (plain)
        return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c < 0x20 ? ' ' : c;
    }
    out += '"';
    return out;
}

} // namespace hafront::log
