#include "control/statefile.h"

#include "base/clock.h"
#include "config/defaults.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace hafront::control {
namespace {

class FirstError : public google::protobuf::io::ErrorCollector {
public:
    void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string &message) override
    {
        if (first.empty())
            first = "line " + std::to_string(line + 1) + " column " + std::to_string(column + 1) + ": " + message;
    }
    std::string first;
};

// Text format takes any number for an enum and any uint32 for a weight; the
// agent never writes values it would refuse from an operator, so such a file
// was edited or damaged (found by tests/fuzz/fuzz_statefile).
std::string outOfRange(const v1::RuntimeState &state)
{
    for (const auto &o : state.backend()) {
        const std::string which = "backend '" + o.backend() + "' of pool '" + o.pool() + "'";
        if (o.has_weight() && o.weight() > config::kMaxWeight)
            return which + " has weight " + std::to_string(o.weight()) + ", outside 0-" +
                   std::to_string(config::kMaxWeight);
        if (!v1::BackendState_IsValid(o.state()))
            return which + " has state " + std::to_string(o.state()) + ", not ready, drain or maint";
    }
    return {};
}

} // namespace

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
        return out; // no overrides yet
    std::stringstream buffer;
    buffer << in.rdbuf();
    google::protobuf::TextFormat::Parser parser;
    FirstError errors;
    parser.RecordErrorsTo(&errors);
    std::string why;
    if (!parser.ParseFromString(buffer.str(), &out.state))
        why = errors.first.empty() ? "cannot parse" : errors.first;
    else
        why = outOfRange(out.state);
    if (why.empty())
        return out;
    out.state.Clear();
    const std::string aside = m_path + ".corrupt-" + std::to_string(wallMicros() / 1000000);
    const std::string corrupt = "state file " + m_path + " is corrupt (" + why + ")";
    if (::rename(m_path.c_str(), aside.c_str()) == 0)
        out.problem = corrupt + "; moved aside to " + aside + "; starting without overrides";
    else
        out.problem = corrupt + " and cannot be moved aside: " + std::strerror(errno);
    return out;
}

Status StateFile::save(const v1::RuntimeState &state) const
{
    std::string text;
    google::protobuf::TextFormat::PrintToString(state, &text);
    return writeFileAtomically(m_path, "# hafront runtime overrides; written by hafront-agent\n" + text);
}

} // namespace hafront::control
