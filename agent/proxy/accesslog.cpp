#include "proxy/accesslog.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace hafront::proxy {
namespace {

constexpr size_t kFlushAt = 64 * 1024;

// Quotes a value for the combined format (nginx escapes " and \ and controls).
void appendEscaped(std::string &out, std::string_view value, bool json)
{
    for (unsigned char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, json ? "\\u%04x" : "\\x%02X", c);
            out += hex;
        } else {
            out += char(c);
        }
    }
}

} // namespace

AccessLogFile::AccessLogFile(std::string path, Format format) : m_path(std::move(path)), m_format(format) {}

AccessLogFile::~AccessLogFile()
{
    flush();
    if (m_fd >= 0)
        ::close(m_fd);
}

Status AccessLogFile::open()
{
    const int fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return fail("access log " + m_path + ": " + std::strerror(errno));
    std::lock_guard lock(m_mutex);
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = fd;
    return {};
}

Status AccessLogFile::reopen()
{
    flush();
    return open();
}

std::string AccessLogFile::formatLine(const AccessRecord &r, Format format)
{
    std::string line;
    line.reserve(256);
    const time_t seconds = time_t(r.wallMicros / 1'000'000);
    tm local{};
    localtime_r(&seconds, &local);
    char when[64];
    if (format == Format::Combined) {
        std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S %z", &local);
        line.append(r.client).append(" - - [").append(when).append("] \"");
        appendEscaped(line, r.method, false);
        line += ' ';
        appendEscaped(line, r.target, false);
        line.append(" ").append(r.version).append("\" ").append(std::to_string(r.status)).append(" ");
        line.append(std::to_string(r.bytes)).append(" \"");
        appendEscaped(line, r.referer.empty() ? "-" : r.referer, false);
        line.append("\" \"");
        appendEscaped(line, r.userAgent.empty() ? "-" : r.userAgent, false);
        char tail[96];
        std::snprintf(tail, sizeof tail, "\" rt=%.3f upstream=", double(r.durationMicros) / 1e6);
        line.append(tail).append(r.backend.empty() ? "-" : r.backend).append("\n");
        return line;
    }
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &local);
    auto field = [&](const char *name, std::string_view value) {
        line.append(line.size() > 1 ? ",\"" : "\"").append(name).append("\":\"");
        appendEscaped(line, value, true);
        line += '"';
    };
    line.push_back('{');
    field("time", when);
    field("node", r.node);
    field("client", r.client);
    field("method", r.method);
    field("target", r.target);
    field("version", r.version);
    field("host", r.host);
    line.append(",\"status\":").append(std::to_string(r.status));
    line.append(",\"bytes\":").append(std::to_string(r.bytes));
    char duration[48];
    std::snprintf(duration, sizeof duration, ",\"duration_ms\":%.3f", double(r.durationMicros) / 1e3);
    line.append(duration);
    field("backend", r.backend);
    field("referer", r.referer);
    field("user_agent", r.userAgent);
    line.append("}\n");
    return line;
}

void AccessLogFile::append(const AccessRecord &record)
{
    const std::string line = formatLine(record, m_format);
    std::lock_guard lock(m_mutex);
    m_buffer += line;
    if (m_buffer.size() >= kFlushAt)
        flushLocked();
}

void AccessLogFile::flush()
{
    std::lock_guard lock(m_mutex);
    flushLocked();
}

void AccessLogFile::flushLocked()
{
    size_t done = 0;
    while (m_fd >= 0 && done < m_buffer.size()) {
        const ssize_t n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
        if (n <= 0)
            break; // disk full or gone: the lines are dropped, the proxy keeps serving
        done += size_t(n);
    }
    m_buffer.clear();
}

} // namespace hafront::proxy
