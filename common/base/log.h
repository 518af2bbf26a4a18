// One logger for every hafront process: a category per component and
// key=value fields, e.g. `vrrp vip=www from=BACKUP to=MASTER reason="..."`.
#pragma once

#include <string>
#include <string_view>

namespace hafront::log {

enum class Level { Debug, Info, Warning, Error };

void setMinimumLevel(Level level);
void write(Level level, std::string_view category, std::string_view message);

inline void debug(std::string_view c, std::string_view m) { write(Level::Debug, c, m); }
inline void info(std::string_view c, std::string_view m) { write(Level::Info, c, m); }
inline void warning(std::string_view c, std::string_view m) { write(Level::Warning, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::Error, c, m); }

// Quotes a value for a key=value field when it holds spaces or quotes.
std::string quote(std::string_view value);

} // namespace hafront::log
