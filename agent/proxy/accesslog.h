// Access log of a listener: one line per response, combined (nginx's format)
// or JSON, buffered in memory and written in blocks; reopened on SIGUSR1 for
// logrotate. One file is shared by every worker thread (a short mutex).
#pragma once

#include "base/result.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace hafront::proxy {

struct AccessRecord {
    std::string_view client, method, target, version, host, referer, userAgent, backend, node;
    int status = 0;
    uint64_t bytes = 0; // response body bytes
    int64_t durationMicros = 0;
    int64_t wallMicros = 0;
};

class AccessLogFile {
public:
    enum class Format { Combined, Json };
    AccessLogFile(std::string path, Format format);
    ~AccessLogFile();

    Status open();
    void append(const AccessRecord &record);
    void flush();    // called by the workers every few ms
    Status reopen(); // SIGUSR1: logrotate moved the file
    const std::string &path() const { return m_path; }

    static std::string formatLine(const AccessRecord &record, Format format);

private:
    void flushLocked();

    std::string m_path;
    Format m_format;
    std::mutex m_mutex;
    int m_fd = -1;
    std::string m_buffer;
};

} // namespace hafront::proxy
