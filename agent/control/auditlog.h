// AuditLog: every operator command, accepted or refused, as one JSON line in
// audit.jsonl, fsynced before the command's result is sent.
#pragma once

#include "base/result.h"
#include "hafront/v1/control.pb.h"

#include <string>
#include <sys/types.h>

namespace hafront::control {

struct Peer {
    uid_t uid = 0;
    pid_t pid = 0;
    std::string user; // from SO_PEERCRED; the SSH user when reached over SSH
};

class AuditLog {
public:
    explicit AuditLog(std::string path);
    ~AuditLog();
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    Status append(int64_t wallMicros, const Peer &peer, const v1::Command &command, const v1::CommandResult &result);
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
};

// One JSON line (no trailing newline); exposed for tests.
std::string auditLine(int64_t wallMicros, const Peer &peer, const v1::Command &command,
                      const v1::CommandResult &result);

} // namespace hafront::control
