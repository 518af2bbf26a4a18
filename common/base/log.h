// One logger for every hafront process: a category per component and
// key=value fields, e.g. `vip_state vip=www from=BACKUP to=MASTER reason="..."`,
// or one JSON object per line (`--log-format json`) for journald, Loki or ELK.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hafront::log {

enum class Level { Debug, Info, Warning, Error };
enum class Format { Text, Json };

// Fields in the order they are written.
using Fields = std::vector<std::pair<std::string, std::string>>;

void setMinimumLevel(Level level);
void setFormat(Format format);
// "text" or "json"; false for anything else.
bool parseFormat(std::string_view name, Format *format);

// A line of prose: text `STAMP LEVEL CATEGORY MESSAGE`, JSON with a "msg" field.
void write(Level level, std::string_view category, std::string_view message);
// An event: text `STAMP LEVEL CATEGORY key=value ...`, JSON with every field.
void event(Level level, std::string_view category, const Fields &fields);

inline void debug(std::string_view c, std::string_view m)
{
    write(Level::Debug, c, m);
}
inline void info(std::string_view c, std::string_view m)
{
    write(Level::Info, c, m);
}
inline void warning(std::string_view c, std::string_view m)
{
    write(Level::Warning, c, m);
}
inline void error(std::string_view c, std::string_view m)
{
    write(Level::Error, c, m);
}

// Quotes a value for a key=value field when it holds spaces, quotes, '=' or
// control characters, or is empty.
std::string quote(std::string_view value);
// One log line, newline included; pure, for tests. `stamp` is ISO 8601 UTC.
std::string formatLine(Format format, std::string_view stamp, Level level, std::string_view category,
                       const Fields &fields);

} // namespace hafront::log
