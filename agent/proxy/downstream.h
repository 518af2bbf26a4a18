// Downstream: the client side of one exchange, as the codec that carries it
// writes it (HTTP/1 now; an HTTP/2 stream next). The exchange says what the
// response is; the downstream says it in its protocol's framing.
#pragma once

#include "http/headers.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace hafront::proxy {

class StaticFile;

struct ResponseHead {
    enum class Body { None, Length, Chunked, UntilClose }; // as the backend framed it
    int status = 200;
    std::string_view reason;
    const http::HeaderList *headers = nullptr;     // the backend's fields, hop-by-hop ones included:
    const std::string *connectionTokens = nullptr; // skip them with http::isHopByHop(name, this)
    Body body = Body::Length;
};

class Downstream {
public:
    virtual ~Downstream() = default;
    virtual void sendInterim(int status, std::string_view reason) = 0; // 100 Continue, 103 ...
    virtual void sendHead(const ResponseHead &head) = 0;
    virtual void sendBody(std::string_view data) = 0;
    // A chunked response's trailer fields, already filtered; sendEnd follows.
    virtual void sendTrailers(const http::HeaderList &fields) = 0;
    virtual void sendEnd() = 0; // the response is complete
    // A response the proxy makes itself (404, 502, a configured redirect...):
    // text/plain, whole; `extraHeaders` are ready "Name: value\r\n" lines.
    virtual void sendLocal(int status, std::string_view body, bool close, std::string_view extraHeaders = {}) = 0;
    virtual void sendStatic(StaticFile *file) = 0;  // takes the file; the body comes from it
    virtual void abort() = 0;                       // a response cannot be finished: cut
    virtual void flush() = 0;                       // after each buffer from upstream
    virtual bool backedUp() const = 0;              // stop reading the backend
    virtual void pauseRequestBody(bool paused) = 0; // the backend is not reading
    virtual void startTunnel() = 0;                 // after a 101: bytes both ways
    virtual void tunnelData(std::string_view data) = 0;
    virtual void tunnelEnded() = 0; // the backend's side closed
};

} // namespace hafront::proxy
