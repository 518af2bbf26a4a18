// Every QSettings key the console uses, in one place.
#pragma once

#include <QLatin1StringView>

namespace hafront::views::settings {

inline constexpr QLatin1StringView kGeometry("window/geometry");
inline constexpr QLatin1StringView kWindowState("window/state");
inline constexpr QLatin1StringView kLastCluster("cluster/last");
inline constexpr QLatin1StringView kRecentClusters("cluster/recent");

} // namespace hafront::views::settings
