// `hafrontctl drill VIP ...`: runs a failover drill from the command line and
// prints the report (text or --json), optionally writing --html FILE.
#pragma once

#include <QStringList>

namespace hafront::drill {

// `args`: hafrontctl's arguments (global options, "drill", the drill's own).
// Exit codes: 0 done, 1 refused or aborted, 2 usage, 3 unreachable.
int runDrillCli(const QStringList &args);

} // namespace hafront::drill
