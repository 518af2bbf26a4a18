// `hafrontctl vip-timers FILE`: what each VIP's config promises in time, per
// node (vrrp/viptiming.h): Skew_Time, Master_Down_Interval, the successor of
// a planned handover, and how long a crash of the node can cost.
#pragma once

#include <string>

namespace hafront::ctl {

int printVipTimers(const std::string &path, bool json);

} // namespace hafront::ctl
