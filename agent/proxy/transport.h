// Transport: the bytes of one connection. Sessions and upstream connections
// read and write through it, never through the socket itself, so a TLS layer
// (or an in-memory fake in tests and fuzzing) slides in underneath.
#pragma once

#include <cstddef>
#include <sys/types.h>

namespace hafront::proxy {

enum class Io { Done, Again, Closed, Failed };

struct IoResult {
    Io status = Io::Done;
    size_t bytes = 0; // Done: how many were moved (> 0)
    int error = 0;    // Failed: errno
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual IoResult read(char *buffer, size_t size) = 0;      // Closed: the peer ended
    virtual IoResult write(const char *data, size_t size) = 0; // may move fewer bytes
    // Up to `count` bytes of an open file from `offset`, which advances.
    virtual IoResult sendFile(int fileFd, off_t &offset, size_t count) = 0;
    virtual void shutdownWrite() = 0;
    virtual void setNoDelay() = 0;
    // A read that needs the socket writable first (a TLS handshake): wait for EPOLLOUT.
    virtual bool readNeedsWritable() const { return false; }
    // Input already taken off the socket and not yet returned by read() (TLS
    // records OpenSSL read ahead). epoll cannot see it: a reader that stops
    // while this is true asks its host to read again (SessionHost::readAgain).
    virtual bool pending() const { return false; }
    // The connection is about to close: say goodbye in the protocol (TLS close_notify).
    virtual void closing() {}
};

// A plain TCP socket; the fd stays the owner's (the worker closes it).
class SocketTransport final : public Transport {
public:
    explicit SocketTransport(int fd) : m_fd(fd) {}
    IoResult read(char *buffer, size_t size) override;
    IoResult write(const char *data, size_t size) override;
    IoResult sendFile(int fileFd, off_t &offset, size_t count) override;
    void shutdownWrite() override;
    void setNoDelay() override;

private:
    int m_fd;
};

} // namespace hafront::proxy
