#include "http/chunked.h"

#include "http/tokens.h"

#include <algorithm>

namespace hafront::http {
namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void skipWhitespace(std::string_view s, size_t &i)
{
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
        ++i;
}

size_t tokenEnd(std::string_view s, size_t i)
{
    while (i < s.size() && isTokenChar(s[i]))
        ++i;
    return i;
}

// chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )
bool validExtensions(std::string_view s)
{
    size_t i = 0;
    for (;;) {
        skipWhitespace(s, i);
        if (i == s.size())
            return true;
        if (s[i] != ';')
            return false;
        ++i;
        skipWhitespace(s, i);
        const size_t nameEnd = tokenEnd(s, i);
        if (nameEnd == i)
            return false;
        i = nameEnd;
        skipWhitespace(s, i);
        if (i == s.size() || s[i] != '=')
            continue;
        ++i;
        skipWhitespace(s, i);
        if (i < s.size() && s[i] == '"') {
            for (++i;; ++i) {
                if (i >= s.size())
                    return false; // unterminated quoted-string
                if (s[i] == '\\') {
                    if (++i >= s.size())
                        return false;
                } else if (s[i] == '"') {
                    ++i;
                    break;
                } else if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
                    return false;
                }
            }
        } else {
            const size_t valueEnd = tokenEnd(s, i);
            if (valueEnd == i)
                return false;
            i = valueEnd;
        }
    }
}

} // namespace

void ChunkedDecoder::reset()
{
    *this = ChunkedDecoder();
}

ChunkedDecoder::Status ChunkedDecoder::failWith(std::string why)
{
    m_state = State::Error;
    m_error = std::move(why);
    return Status::Error;
}

bool ChunkedDecoder::acceptSizeLine()
{
    const std::string_view line = m_line;
    size_t i = 0;
    uint64_t size = 0;
    while (i < line.size() && hexValue(line[i]) >= 0) {
        if (size > (uint64_t(1) << 56)) {
            m_error = "chunk size over 2^60";
            return false;
        }
        size = size * 16 + uint64_t(hexValue(line[i]));
        ++i;
    }
    if (i == 0) {
        m_error = "chunk size is not a hex number";
        return false;
    }
    if (!validExtensions(line.substr(i))) {
        m_error = "malformed chunk extension";
        return false;
    }
    m_remaining = size;
    m_state = size ? State::Data : State::TrailerLine;
    return true;
}

bool ChunkedDecoder::acceptTrailerLine()
{
    if (m_line.empty()) {
        m_state = State::Done;
        return true;
    }
    const std::string_view line = m_line;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || tokenEnd(line, 0) != colon) {
        m_error = "malformed trailer field";
        return false;
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    for (char c : value)
        if (c == '\0' || ((unsigned char)c < 0x20 && c != '\t') || c == 0x7f) {
            m_error = "control character in a trailer value";
            return false;
        }
    auto &field = m_trailers.emplace_back();
    field.first.assign(line.substr(0, colon));
    field.second.assign(value);
    return true;
}

ChunkedDecoder::Status ChunkedDecoder::feed(std::string_view in, size_t &consumed,
                                            std::vector<std::string_view> &pieces)
{
    size_t i = 0;
    auto finish = [&](Status s) {
        consumed = i;
        return s;
    };
    while (i < in.size()) {
        switch (m_state) {
        case State::SizeLine:
        case State::TrailerLine: {
            const char c = in[i++];
            if (m_state == State::TrailerLine && (m_trailerBytes += 1) > kMaxTrailerBytes)
                return finish(failWith("trailer section over " + std::to_string(kMaxTrailerBytes) + " bytes"));
            if (m_sawCr) {
                if (c != '\n')
                    return finish(failWith("CR without LF in the chunked framing"));
                m_sawCr = false;
                const bool sizeLine = m_state == State::SizeLine;
                const bool ok = sizeLine ? acceptSizeLine() : acceptTrailerLine();
                m_line.clear();
                if (!ok)
                    return finish(failWith(m_error));
                if (m_state == State::Done)
                    return finish(Status::Done);
                break;
            }
            if (c == '\r') {
                m_sawCr = true;
            } else if (c == '\n') {
                return finish(failWith("bare LF in the chunked framing"));
            } else {
                if (m_line.size() >= kMaxLineBytes)
                    return finish(failWith("chunk line over " + std::to_string(kMaxLineBytes) + " bytes"));
                m_line.push_back(c);
            }
            break;
        }
        case State::Data: {
            const size_t n = size_t(std::min<uint64_t>(m_remaining, in.size() - i));
            pieces.push_back(in.substr(i, n));
            i += n;
            m_remaining -= n;
            m_bodyBytes += n;
            if (!m_remaining)
                m_state = State::DataCr;
            break;
        }
        case State::DataCr:
            if (in[i++] != '\r')
                return finish(failWith("chunk data not followed by CRLF"));
            m_state = State::DataLf;
            break;
        case State::DataLf:
            if (in[i++] != '\n')
                return finish(failWith("chunk data not followed by CRLF"));
            m_state = State::SizeLine;
            break;
        case State::Done:
            return finish(Status::Done);
        case State::Error:
            return finish(Status::Error);
        }
    }
    return finish(m_state == State::Done ? Status::Done : m_state == State::Error ? Status::Error : Status::NeedMore);
}

} // namespace hafront::http
