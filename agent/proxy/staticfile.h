// StaticFile: one response served from a static root with sendfile(2):
// MIME type, ETag + Last-Modified, conditional 304, single Range 206/416,
// index files, and no escape from the root (.., encoded slashes, symlinks).
#pragma once

#include "http/headers.h"

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace hafront::proxy {

class Transport;

class StaticFile {
public:
    struct Opened {
        StaticFile *file = nullptr; // owned by the caller
        int status = 0;             // the refusal when file is null
    };
    static Opened open(const std::string &root, const std::string &prefix, const std::string &target,
                       const std::string &index, const http::ParsedHead &head);
    ~StaticFile();

    std::string head(bool keepAlive) const;
    bool sendSome(Transport &transport); // false on an error
    bool done() const { return m_offset >= m_end; }
    bool empty() const { return m_offset >= m_end; }
    int status() const { return m_status; }
    uint64_t bodyBytes() const { return uint64_t(m_end - m_offset); }

private:
    StaticFile() = default;
    int m_fd = -1;
    off_t m_offset = 0, m_end = 0;
    int m_status = 200;
    std::string m_headers;
};

std::string httpDate(time_t t);

} // namespace hafront::proxy
