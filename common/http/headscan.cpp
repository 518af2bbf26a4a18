#include "http/headscan.h"

#include <cstring>

namespace hafront::http {

HeadScan scanHead(std::string_view b, size_t from)
{
    HeadScan r;
    const char *const data = b.data();
    const size_t n = b.size();
    size_t limit = n; // the CR check stops where the head ends: a body may hold anything
    // Every LF must follow a CR; the one after an empty line ends the head; a
    // line may not start with whitespace (obs-fold).
    for (const char *p = data + from; (p = static_cast<const char *>(std::memchr(p, '\n', n - size_t(p - data))));
         ++p) {
        const size_t i = size_t(p - data);
        if (i == 0 || p[-1] != '\r') {
            r.status = HeadScan::Status::Bad;
            r.reason = "bare LF in the request head";
            return r;
        }
        if (i >= 3 && p[-2] == '\n') { // "\r\n\r\n": the blank line
            r.status = HeadScan::Status::Complete;
            r.end = limit = i + 1;
            break;
        }
        if (i + 1 == n) {
            r.resume = i; // what follows this LF decides (a fold, or the end)
            break;
        }
        if (p[1] == ' ' || p[1] == '\t') {
            r.status = HeadScan::Status::Bad;
            r.reason = "obsolete line folding in the request head";
            return r;
        }
    }
    // Every CR must be followed by LF (a lone CR ends a line for some parsers).
    for (const char *p = data + from;
         p < data + limit && (p = static_cast<const char *>(std::memchr(p, '\r', limit - size_t(p - data)))); ++p) {
        if (size_t(p - data) + 1 == n)
            break; // its LF may come with the next read
        if (p[1] != '\n') {
            r.status = HeadScan::Status::Bad;
            r.reason = "bare CR in the request head";
            return r;
        }
    }
    if (r.status == HeadScan::Status::Incomplete && (r.resume == 0 || r.resume < from))
        r.resume = n > from ? n - 1 : from; // one byte back: a CR at the end is checked again
    return r;
}

} // namespace hafront::http
