#include "wire/framing.h"

namespace hafront::wire {

std::string encodeFrame(const google::protobuf::MessageLite &message)
{
    const size_t size = message.ByteSizeLong();
    std::string out(4 + size, '\0');
    out[0] = static_cast<char>((size >> 24) & 0xff);
    out[1] = static_cast<char>((size >> 16) & 0xff);
    out[2] = static_cast<char>((size >> 8) & 0xff);
    out[3] = static_cast<char>(size & 0xff);
    message.SerializeToArray(out.data() + 4, static_cast<int>(size));
    return out;
}

void FrameDecoder::append(const char *data, size_t size)
{
    if (m_failed)
        return;
    // Drop what was consumed before growing, so the buffer stays bounded.
    if (m_offset > 0 && m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > (64u << 10)) {
        m_buffer.erase(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(data, size);
}

FrameDecoder::Next FrameDecoder::next(std::string &payload, std::string &error)
{
    if (m_failed) {
        error = "stream already failed";
        return Next::Error;
    }
    if (buffered() < 4)
        return Next::NeedMore;
    const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.data() + m_offset);
    const size_t length = (size_t(p[0]) << 24) | (size_t(p[1]) << 16) | (size_t(p[2]) << 8) | size_t(p[3]);
    if (length > kMaxFrameBytes) {
        m_failed = true;
        error = "frame of " + std::to_string(length) + " bytes is over the limit of " + std::to_string(kMaxFrameBytes);
        return Next::Error;
    }
    if (buffered() < 4 + length)
        return Next::NeedMore;
    payload.assign(m_buffer, m_offset + 4, length);
    m_offset += 4 + length;
    return Next::Frame;
}

Status parsePayload(const std::string &payload, google::protobuf::MessageLite &message)
{
    if (!message.ParseFromString(payload))
        return fail("cannot parse a " + message.GetTypeName() + " frame of " + std::to_string(payload.size()) +
                    " bytes");
    return {};
}

} // namespace hafront::wire
