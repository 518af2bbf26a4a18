// ChunkedDecoder: the chunked transfer coding of a request body (RFC 9112
// 7.1), strict and incremental. Chunk extensions are parsed and ignored, as
// 7.1.1 says (llhttp 8.1 refused valid ones); a bare LF, a size over 2^60, a
// bad extension, missing CRLF after the data or an oversize line or trailer
// section is an error with its reason. Pure: bytes in, body pieces out.
#pragma once

#include "http/headers.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hafront::http {

class ChunkedDecoder {
public:
    enum class Status { NeedMore, Done, Error };
    static constexpr size_t kMaxLineBytes = 4096;     // a size line with its extensions
    static constexpr size_t kMaxTrailerBytes = 16384; // the whole trailer section

    // Consumes what it can of `in`: body bytes are appended to `pieces` as
    // views into `in`; `consumed` says how far it got (bytes after Done
    // belong to the next message).
    Status feed(std::string_view in, size_t &consumed, std::vector<std::string_view> &pieces);

    void reset();
    const std::string &error() const { return m_error; }
    const HeaderList &trailers() const { return m_trailers; }
    uint64_t bodyBytes() const { return m_bodyBytes; }

private:
    enum class State { SizeLine, Data, DataCr, DataLf, TrailerLine, Done, Error };
    Status failWith(std::string why);
    bool acceptSizeLine();
    bool acceptTrailerLine();

    State m_state = State::SizeLine;
    std::string m_line; // the size or trailer line being read, without CRLF
    bool m_sawCr = false;
    uint64_t m_remaining = 0; // of the current chunk's data
    uint64_t m_bodyBytes = 0;
    size_t m_trailerBytes = 0;
    HeaderList m_trailers;
    std::string m_error;
};

} // namespace hafront::http
