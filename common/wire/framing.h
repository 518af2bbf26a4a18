// Control-protocol framing: a 4-byte big-endian length, then one protobuf
// message. Pure: bytes in, frames out; oversize or garbage is an error value.
#pragma once

#include "base/result.h"

#include <google/protobuf/message_lite.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace hafront::wire {

inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr size_t kMaxFrameBytes = 4u << 20;

std::string encodeFrame(const google::protobuf::MessageLite &message);

// Accumulates bytes as they arrive and cuts them into frames.
class FrameDecoder {
public:
    enum class Next { NeedMore, Frame, Error };

    void append(const char *data, size_t size);
    // On Frame, `payload` holds one message's bytes; on Error, `error` says why
    // and the stream is unusable (the connection must be closed).
    Next next(std::string &payload, std::string &error);
    size_t buffered() const { return m_buffer.size() - m_offset; }

private:
    std::string m_buffer;
    size_t m_offset = 0;
    bool m_failed = false;
};

// Parses a frame's payload into `message`; the error names the type.
Status parsePayload(const std::string &payload, google::protobuf::MessageLite &message);

} // namespace hafront::wire
