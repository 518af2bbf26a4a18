#include "base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace hafront::log {
namespace {
std::atomic<int> g_minimum{static_cast<int>(Level::Info)};
std::atomic<int> g_format{static_cast<int>(Format::Text)};

const char *levelName(Level level)
{
    switch (level) {
    case Level::Debug:
        return "debug";
    case Level::Info:
        return "info";
    case Level::Warning:
        return "warning";
    case Level::Error:
        return "error";
    }
    return "?";
}

std::string jsonString(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", u);
            out += esc;
        } else {
            out += c;
        }
    }
    return out + '"';
}

std::string stampNow()
{
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t secs = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    return stamp;
}

void emit(Level level, std::string_view category, const Fields &fields)
{
    const std::string line =
        formatLine(static_cast<Format>(g_format.load(std::memory_order_relaxed)), stampNow(), level, category, fields);
    // One write() per line so lines from different threads never interleave.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

bool enabled(Level level)
{
    return static_cast<int>(level) >= g_minimum.load(std::memory_order_relaxed);
}
} // namespace

void setMinimumLevel(Level level)
{
    g_minimum.store(static_cast<int>(level), std::memory_order_relaxed);
}
void setFormat(Format format)
{
    g_format.store(static_cast<int>(format), std::memory_order_relaxed);
}

bool parseFormat(std::string_view name, Format *format)
{
    if (name == "text")
        *format = Format::Text;
    else if (name == "json")
        *format = Format::Json;
    else
        return false;
    return true;
}

void write(Level level, std::string_view category, std::string_view message)
{
    if (!enabled(level))
        return;
    if (g_format.load(std::memory_order_relaxed) == static_cast<int>(Format::Text)) {
        // Prose stays prose in text: the message is not one value to quote.
        std::string line = stampNow();
        line.append(" ").append(levelName(level)).append(" ").append(category).append(" ").append(message).append("\n");
        [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
        return;
    }
    emit(level, category, {{"msg", std::string(message)}});
}

void event(Level level, std::string_view category, const Fields &fields)
{
    if (enabled(level))
        emit(level, category, fields);
}

std::string quote(std::string_view value)
{
    bool plain = !value.empty();
    for (char c : value)
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
            plain = false;
    if (plain)
        return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
    out += '"';
    return out;
}

std::string formatLine(Format format, std::string_view stamp, Level level, std::string_view category,
                       const Fields &fields)
{
    std::string line;
    if (format == Format::Json) {
        line = "{\"ts\":" + jsonString(stamp) + ",\"level\":\"" + levelName(level) +
               "\",\"category\":" + jsonString(category);
        for (const auto &[key, value] : fields)
            line += "," + jsonString(key) + ":" + jsonString(value);
        return line + "}\n";
    }
    line.append(stamp).append(" ").append(levelName(level)).append(" ").append(category);
    for (const auto &[key, value] : fields)
        line.append(" ").append(key).append("=").append(quote(value));
    return line + "\n";
}

} // namespace hafront::log
