#include "control/auditlog.h"

#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace hafront::control {
namespace {
std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string isoTime(int64_t wallMicros)
{
    const std::time_t secs = static_cast<std::time_t>(wallMicros / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(wallMicros % 1000000));
    return buf;
}
} // namespace

std::string auditLine(int64_t wallMicros, const Peer &peer, const v1::Command &command, const v1::CommandResult &result)
{
    std::string commandJson;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    if (!google::protobuf::util::MessageToJsonString(command, &commandJson, options).ok())
        commandJson = "{}";
    return "{\"time\":" + jsonString(isoTime(wallMicros)) + ",\"user\":" + jsonString(peer.user) +
           ",\"uid\":" + std::to_string(peer.uid) + ",\"pid\":" + std::to_string(peer.pid) +
           ",\"command\":" + commandJson + ",\"ok\":" + (result.ok() ? "true" : "false") +
           ",\"result\":" + jsonString(result.ok() ? result.message() : result.error()) + "}";
}

AuditLog::AuditLog(std::string path) : m_path(std::move(path))
{
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

AuditLog::~AuditLog()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Status AuditLog::append(int64_t wallMicros, const Peer &peer, const v1::Command &command,
                        const v1::CommandResult &result)
{
    if (m_fd < 0)
        return fail("audit log " + m_path + " is not open");
    const std::string line = auditLine(wallMicros, peer, command, result) + "\n";
    // O_APPEND + one write: a line is never interleaved or torn by another writer.
    if (::write(m_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
        return fail("cannot append to " + m_path + ": " + std::strerror(errno));
    if (::fdatasync(m_fd) != 0)
        return fail("cannot sync " + m_path + ": " + std::strerror(errno));
    return {};
}

} // namespace hafront::control
