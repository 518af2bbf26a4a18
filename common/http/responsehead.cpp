#include "http/responsehead.h"

#include "http/httptext.h"
#include "http/tokens.h"

namespace hafront::http {
namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

std::string_view trimOws(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

ResponseHead bad(std::string why)
{
    ResponseHead r;
    r.parse = ResponseHead::Parse::Bad;
    r.why = std::move(why);
    return r;
}

// "HTTP/1.1 200 OK". The SP before an empty reason may be missing, as llhttp
// (the proxy's parser for the same responses) and nginx accept.
bool parseStatusLine(std::string_view line, ResponseHead &out, std::string &why)
{
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !isDigit(line[7]) || line[8] != ' ') {
        why = line.substr(0, 5) == "HTTP/" && line.size() >= 8 && line.substr(0, 7) != "HTTP/1."
                  ? "only HTTP/1.x responses are understood"
                  : "malformed status line";
        return false;
    }
    if (line[7] != '0' && line[7] != '1') {
        why = "only HTTP/1.0 and HTTP/1.1 responses are understood";
        return false;
    }
    out.minorVersion = line[7] - '0';
    if (!isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11]) || (line.size() > 12 && line[12] != ' ')) {
        why = "status code is not three digits";
        return false;
    }
    out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (out.status < 100 || out.status > 599) {
        why = "status code " + std::to_string(out.status) + " is outside 100-599";
        return false;
    }
    const std::string_view reason = line.size() > 12 ? line.substr(13) : std::string_view();
    if (!isFieldValue(reason)) {
        why = "control character in the reason phrase";
        return false;
    }
    out.reason = std::string(reason);
    return true;
}

bool parseField(std::string_view line, ResponseHead &out, std::string &why)
{
    if (line.front() == ' ' || line.front() == '\t') {
        why = "obsolete line folding in a header"; // RFC 9112 5.2
        return false;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        why = "header line without a colon";
        return false;
    }
    const std::string_view name = line.substr(0, colon);
    if (name.empty()) {
        why = "header with an empty name";
        return false;
    }
    for (char c : name)
        if (!isTokenChar(c)) {
            // Includes whitespace before the colon, which RFC 9112 5.1 forbids.
            why = "malformed header name";
            return false;
        }
    const std::string_view value = line.substr(colon + 1);
    if (!isFieldValue(value)) {
        why = "control character in a header value";
        return false;
    }
    out.headers.emplace_back(std::string(name), std::string(trimOws(value)));
    return true;
}

} // namespace

ResponseHead ResponseHead::parseHead(std::string_view received, size_t maxHeadBytes)
{
    const size_t end = received.find("\r\n\r\n");
    const size_t headEnd = end == std::string_view::npos ? std::string_view::npos : end + 4;
    if (headEnd != std::string_view::npos && headEnd > maxHeadBytes)
        return bad("response head over " + std::to_string(maxHeadBytes) + " bytes");
    const std::string_view head = received.substr(0, std::min(headEnd, maxHeadBytes));
    // A lone CR or LF (RFC 9112 2.2): a recipient that accepted it would cut
    // the message where another does not. The same check as for requests.
    if (hasBareLineEnding(head))
        return bad("bare CR or LF in the response head");

    // Judge the status line as soon as it is complete: garbage has no blank line to wait for.
    ResponseHead out;
    std::string why;
    const size_t lineEnd = head.find("\r\n");
    if (lineEnd == std::string_view::npos) {
        // Not even the start can become a status line: say so now.
        const std::string_view start = head.substr(0, 7);
        if (start != std::string_view("HTTP/1.").substr(0, start.size()))
            return bad("malformed status line");
        if (received.size() >= maxHeadBytes)
            return bad("response head over " + std::to_string(maxHeadBytes) + " bytes");
        return out;
    }
    if (!parseStatusLine(head.substr(0, lineEnd), out, why))
        return bad(why);
    // Every complete line after the status line, up to the blank line when it
    // has arrived: none is empty (an empty one would be the blank line).
    const size_t fieldsEnd = headEnd == std::string_view::npos ? head.rfind("\r\n") + 2 : end + 2;
    for (size_t at = lineEnd + 2; at < fieldsEnd;) {
        const size_t next = head.find("\r\n", at);
        if (!parseField(head.substr(at, next - at), out, why))
            return bad(why);
        at = next + 2;
    }
    if (headEnd == std::string_view::npos) {
        if (received.size() >= maxHeadBytes)
            return bad("response head over " + std::to_string(maxHeadBytes) + " bytes");
        return ResponseHead{};
    }
    out.parse = Parse::Ready;
    out.headLength = headEnd;
    return out;
}

const std::string *ResponseHead::find(std::string_view lowerName) const
{
    for (const auto &[name, value] : headers)
        if (equalsLower(name, lowerName))
            return &value;
    return nullptr;
}

} // namespace hafront::http
