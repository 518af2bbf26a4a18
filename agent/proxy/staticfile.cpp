#include "proxy/staticfile.h"

#include "http/httptext.h"
#include "proxy/transport.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hafront::proxy {
namespace {

std::string realPath(const std::string &p)
{
    char buf[PATH_MAX];
    return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

time_t parseHttpDate(const std::string &s)
{
    std::tm tm{};
    if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return -1;
    return timegm(&tm);
}

// "bytes=a-b", "bytes=a-", "bytes=-n"; only a single range is honoured.
bool parseRange(const std::string &spec, off_t size, off_t &from, off_t &to, bool &satisfiable)
{
    satisfiable = true;
    if (spec.rfind("bytes=", 0) != 0 || spec.find(',') != std::string::npos)
        return false;
    const std::string r = spec.substr(6);
    const auto dash = r.find('-');
    if (dash == std::string::npos)
        return false;
    const std::string a = r.substr(0, dash), b = r.substr(dash + 1);
    char *end = nullptr;
    if (a.empty()) {
        const long long n = std::strtoll(b.c_str(), &end, 10);
        if (*end || b.empty() || n <= 0)
            return false;
        from = size > n ? size - n : 0;
        to = size - 1;
    } else {
        from = std::strtoll(a.c_str(), &end, 10);
        if (*end)
            return false;
        to = b.empty() ? size - 1 : std::strtoll(b.c_str(), &end, 10);
        if (!b.empty() && *end)
            return false;
        if (to >= size)
            to = size - 1;
    }
    if (from >= size || from > to)
        satisfiable = false;
    return true;
}

} // namespace

std::string httpDate(time_t t)
{
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

StaticFile::Opened StaticFile::open(const std::string &root, const std::string &prefix, const std::string &target,
                                    const std::string &index, const http::ParsedHead &head)
{
    const auto path = http::normaliseStaticPath(target, prefix);
    if (path.status)
        return {nullptr, path.status};
    std::string full = root + "/" + path.relative;
    struct stat st {};
    if (::stat(full.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        full += (full.back() == '/' ? "" : "/") + index;
    }
    const std::string rootReal = realPath(root), fileReal = realPath(full);
    if (fileReal.empty())
        return {nullptr, 404};
    if (fileReal.compare(0, rootReal.size() + 1, rootReal + "/") != 0)
        return {nullptr, 403}; // a symlink pointing outside the root
    const int fd = ::open(fileReal.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {nullptr, errno == EACCES ? 403 : 404};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return {nullptr, 404};
    }
    auto *f = new StaticFile;
    f->m_fd = fd;
    f->m_end = st.st_size;
    char etag[64];
    std::snprintf(etag, sizeof etag, "\"%lx-%lx\"", static_cast<long>(st.st_mtime), static_cast<long>(st.st_size));
    const std::string lastModified = httpDate(st.st_mtime);
    std::string h = "Content-Type: " + std::string(http::mimeTypeOf(fileReal)) + "\r\nETag: " + etag +
                    "\r\nLast-Modified: " + lastModified + "\r\nAccept-Ranges: bytes\r\n";

    const std::string *inm = head.find("if-none-match");
    const std::string *ims = head.find("if-modified-since");
    bool notModified = false;
    if (inm)
        notModified = *inm == etag || *inm == "*" || inm->find(etag) != std::string::npos;
    else if (ims)
        notModified = parseHttpDate(*ims) >= st.st_mtime;
    if (notModified) {
        f->m_status = 304;
        f->m_end = 0;
        f->m_headers = h;
        return {f, 304};
    }
    off_t from = 0, to = st.st_size - 1;
    bool satisfiable = true;
    if (const std::string *range = head.find("range"); range && parseRange(*range, st.st_size, from, to, satisfiable)) {
        if (!satisfiable) {
            f->m_status = 416;
            f->m_end = 0;
            f->m_headers = h + "Content-Range: bytes */" + std::to_string(st.st_size) + "\r\nContent-Length: 0\r\n";
            return {f, 416};
        }
        f->m_status = 206;
        f->m_offset = from;
        f->m_end = to + 1;
        h += "Content-Range: bytes " + std::to_string(from) + "-" + std::to_string(to) + "/" +
             std::to_string(st.st_size) + "\r\n";
    }
    f->m_headers = h + "Content-Length: " + std::to_string(f->m_end - f->m_offset) + "\r\n";
    return {f, f->m_status};
}

StaticFile::~StaticFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

std::string StaticFile::head(bool keepAlive) const
{
    return "HTTP/1.1 " + std::to_string(m_status) + " " + http::reasonOf(m_status) + "\r\n" + m_headers +
           (keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
}

bool StaticFile::sendSome(Transport &transport)
{
    while (m_offset < m_end) {
        const IoResult r =
            transport.sendFile(m_fd, m_offset, static_cast<size_t>(std::min<off_t>(m_end - m_offset, 1 << 20)));
        if (r.status == Io::Done)
            continue;
        return r.status == Io::Again;
    }
    return true;
}

} // namespace hafront::proxy
