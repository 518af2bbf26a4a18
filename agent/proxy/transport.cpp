#include "proxy/transport.h"

#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

namespace hafront::proxy {
namespace {

IoResult fromCall(ssize_t n)
{
    if (n > 0)
        return {Io::Done, size_t(n), 0};
    if (n == 0)
        return {Io::Closed, 0, 0};
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return {Io::Again, 0, 0};
    if (errno == ECONNRESET || errno == EPIPE)
        return {Io::Closed, 0, errno};
    return {Io::Failed, 0, errno};
}

} // namespace

IoResult SocketTransport::read(char *buffer, size_t size)
{
    return fromCall(::recv(m_fd, buffer, size, 0));
}

IoResult SocketTransport::write(const char *data, size_t size)
{
    const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL);
    if (n == 0)
        return {Io::Again, 0, 0};
    IoResult r = fromCall(n);
    if (r.status == Io::Closed)
        r.status = Io::Failed; // a write to a closed peer is an error, not an end
    return r;
}

IoResult SocketTransport::sendFile(int fileFd, off_t &offset, size_t count)
{
    const ssize_t n = ::sendfile(m_fd, fileFd, &offset, count);
    if (n == 0)
        return {Io::Failed, 0, 0}; // the file shrank under us
    IoResult r = fromCall(n);
    if (r.status == Io::Closed)
        r.status = Io::Failed;
    return r;
}

void SocketTransport::shutdownWrite()
{
    ::shutdown(m_fd, SHUT_WR);
}

void SocketTransport::setNoDelay()
{
    int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

} // namespace hafront::proxy
