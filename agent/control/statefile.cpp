#include "control/statefile.h"

#include "base/clock.h"

#include <google/protobuf/text_format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace hafront::control {

Status writeFileAtomically(const std::string &path, const std::string &bytes)
{
    const std::string temp = path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return fail("cannot write " + temp + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            return fail("cannot write " + temp + ": " + std::strerror(e));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(temp.c_str());
        return fail("cannot sync " + temp + ": " + std::strerror(errno));
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(temp.c_str());
        return fail("cannot rename " + temp + " to " + path + ": " + std::strerror(e));
    }
    // The rename itself is durable only once the directory is synced.
    const auto dir = std::filesystem::path(path).parent_path().string();
    if (const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

StateFile::Loaded StateFile::load() const
{
    Loaded out;
    std::ifstream in(m_path, std::ios::binary);
    if (!in)
        return out;   // no overrides yet
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (google::protobuf::TextFormat::ParseFromString(buffer.str(), &out.state))
        return out;
    out.state.Clear();
    const std::string aside = m_path + ".corrupt-" + std::to_string(wallMicros() / 1000000);
    if (::rename(m_path.c_str(), aside.c_str()) == 0)
        out.problem = "state file " + m_path + " is corrupt; moved aside to " + aside + "; starting without overrides";
    else
        out.problem = "state file " + m_path + " is corrupt and cannot be moved aside: " + std::strerror(errno);
    return out;
}

Status StateFile::save(const v1::RuntimeState &state) const
{
    std::string text;
    google::protobuf::TextFormat::PrintToString(state, &text);
    return writeFileAtomically(m_path, "# hafront runtime overrides; written by hafront-agent\n" + text);
}

} // namespace hafront::control
