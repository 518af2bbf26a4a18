// Human-readable renderings of agent status and events for hafrontctl.
#pragma once

#include "hafront/v1/control.pb.h"

#include <string>

namespace hafront::ctl {

std::string formatStatus(const v1::NodeStatus &status);
std::string formatEvent(const v1::Event &event);
std::string formatDuration(uint64_t ms); // "3d4h", "12m3s", "850ms"

} // namespace hafront::ctl
