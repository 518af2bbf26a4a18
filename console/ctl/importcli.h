// hafrontctl import: nginx + keepalived configs in, one cluster config out,
// the report on stderr. Exit 0 written and valid, 1 none could be, 2 usage.
#pragma once

#include <string>
#include <vector>

namespace hafront::ctl {

// `args` are the words after "import".
int runImportCli(const std::vector<std::string> &args);

} // namespace hafront::ctl
