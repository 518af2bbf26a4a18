// checkRequestHead: the decisions about one parsed HTTP/1 request head that
// the parser leaves to us (RFC 9112 2.2, 3.2, 3.3, 6.1, 6.3; RFC 9110 7.2),
// pure and table-tested: forward it, or answer with a status and say why.
// Nothing ambiguous goes upstream: a backend that reads a head differently
// from us is how requests get smuggled.
#pragma once

#include "http/headers.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace hafront::http {

struct RequestFacts {
    const ParsedHead *head = nullptr; // method, url, header fields as sent
    int methodCode = 0;               // llhttp_method_t
    int versionMajor = 1, versionMinor = 1;
    bool chunked = false; // Transfer-Encoding ends in chunked
    bool hasContentLength = false;
    uint64_t contentLength = 0;
};

struct RequestLimits {
    uint64_t maxBodyBytes = 10ull << 20;
};

struct RequestVerdict {
    int status = 0;              // 0: forward; otherwise answer this and close
    std::string_view reason;     // for the response body and the log
    std::string_view host;       // the Host field
    std::string_view target;     // the origin-form target, a view into the head's url
    std::string rewritten;       // instead, when an absolute-form target needed a "/"
    bool underscores = false;    // a field name has one: see hasUnderscore()
    bool expectContinue = false; // Expect: 100-continue

    bool ok() const { return status == 0; }
    std::string_view forwardTarget() const { return rewritten.empty() ? target : std::string_view(rewritten); }
};

RequestVerdict checkRequestHead(const RequestFacts &facts, const RequestLimits &limits);

// RFC 3986 host [":" port]: a reg-name (unreserved, pct-encoded, sub-delims),
// an IPv4 address or an IP literal in brackets; nothing else (no "/", "\\",
// "@", spaces or controls), not empty.
bool isValidHost(std::string_view host);

// Header field names proxies disagree on: an underscore is read as a dash by
// CGI-style backends (Transfer_Encoding becomes TRANSFER_ENCODING), so such a
// field could smuggle a framing header past us. Dropped before forwarding,
// as nginx does by default (underscores_in_headers off).
bool hasUnderscore(std::string_view name);

} // namespace hafront::http
