#include "vip/trackers.h"

#include "config/defaults.h"

#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <sstream>

extern char **environ;

namespace hafront::vip {
namespace {

constexpr int64_t kPollMicros = 500'000; // interface, process, file, self

std::string readFirstLine(const std::string &path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

bool processAlive(pid_t pid)
{
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

} // namespace

int Tracker::delta() const
{
    if (m_weight == 0)
        return 0;
    // keepalived: a negative weight applies while failing, a positive one while ok.
    if (m_weight < 0)
        return m_ok ? 0 : m_weight;
    return m_ok ? m_weight : 0;
}

void Tracker::fill(v1::TrackerStatus &out) const
{
    out.set_name(m_name);
    out.set_kind(m_kind);
    out.set_ok(m_ok);
    out.set_priority_delta(delta());
    out.set_fault(fault());
    out.set_last_result(m_lastResult);
}

bool Tracker::setOk(bool ok, std::string result)
{
    m_lastResult = std::move(result);
    if (ok == m_ok)
        return false;
    m_ok = ok;
    return true;
}

// ---- script ----

ScriptTracker::ScriptTracker(const v1::TrackScript &c)
    : Tracker(c.name(), "script", c.weight()), m_command(c.command()),
      m_intervalMicros(int64_t(config::intervalMs(c)) * 1000), m_timeoutMicros(int64_t(config::timeoutMs(c)) * 1000),
      m_rise(config::riseOf(c)), m_fall(config::fallOf(c))
{
}

ScriptTracker::~ScriptTracker()
{
    if (m_child > 0) {
        ::kill(m_child, SIGKILL);
        ::waitpid(m_child, nullptr, 0);
    }
}

int64_t ScriptTracker::nextDueMicros() const
{
    return m_child > 0 ? std::min(m_startedAt + m_timeoutMicros, m_startedAt + 20'000) : m_nextRun;
}

bool ScriptTracker::finish(bool ok, std::string result)
{
    m_child = -1;
    if (ok) {
        m_badRun = 0;
        ++m_goodRun;
    } else {
        m_goodRun = 0;
        ++m_badRun;
    }
    if (!m_ok && ok && m_goodRun >= m_rise)
        return setOk(true, result);
    if (m_ok && !ok && m_badRun >= m_fall)
        return setOk(false, result);
    m_lastResult = result;
    return false;
}

bool ScriptTracker::poll(int64_t now)
{
    if (m_child > 0) {
        int status = 0;
        const pid_t done = ::waitpid(m_child, &status, WNOHANG);
        if (done == m_child) {
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            std::string result = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                   : "signal " + std::to_string(WTERMSIG(status));
            return finish(ok, std::move(result));
        }
        if (now - m_startedAt >= m_timeoutMicros) {
            ::kill(m_child, SIGKILL);
            ::waitpid(m_child, nullptr, 0);
            return finish(false, "timed out after " + std::to_string(m_timeoutMicros / 1000) + " ms");
        }
        return false;
    }
    if (now < m_nextRun)
        return false;
    m_nextRun = now + m_intervalMicros;
    const char *argv[] = {"/bin/sh", "-c", m_command.c_str(), nullptr};
    pid_t pid = -1;
    if (::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char **>(argv), environ) != 0)
        return finish(false, "cannot start /bin/sh");
    m_child = pid;
    m_startedAt = now;
    return false;
}

// ---- self ----

SelfTracker::SelfTracker(int weight, std::function<bool()> canServe)
    : Tracker("self", "self", weight), m_canServe(std::move(canServe))
{
}

bool SelfTracker::poll(int64_t now)
{
    if (now < m_next)
        return false;
    m_next = now + kPollMicros;
    const bool ok = m_canServe ? m_canServe() : true;
    return setOk(
        ok, ok ? "proxy serving"
               : "proxy cannot serve: a listener down, a pool without a usable backend, or a proxy thread stalled");
}

// ---- interface ----

InterfaceTracker::InterfaceTracker(const v1::TrackInterface &c)
    : Tracker(c.name().empty() ? c.interface() : c.name(), "interface", c.weight()), m_interface(c.interface())
{
}

bool InterfaceTracker::poll(int64_t now)
{
    if (now < m_next)
        return false;
    m_next = now + kPollMicros;
    const std::string state = readFirstLine("/sys/class/net/" + m_interface + "/operstate");
    if (state.empty())
        return setOk(false, "no interface " + m_interface);
    return setOk(state == "up" || state == "unknown", "operstate " + state);
}

// ---- process ----

ProcessTracker::ProcessTracker(const v1::TrackProcess &c)
    : Tracker(c.name().empty() ? c.process() : c.name(), "process", c.weight()), m_process(c.process()),
      m_pidFile(c.pid_file())
{
}

bool ProcessTracker::poll(int64_t now)
{
    if (now < m_next)
        return false;
    m_next = now + kPollMicros;
    if (!m_pidFile.empty()) {
        const std::string text = readFirstLine(m_pidFile);
        const long pid = std::strtol(text.c_str(), nullptr, 10);
        const bool alive = pid > 0 && processAlive(pid_t(pid));
        return setOk(alive, alive ? "pid " + std::to_string(pid) + " running" : "no process for " + m_pidFile);
    }
    DIR *dir = ::opendir("/proc");
    bool found = false;
    long foundPid = 0;
    while (dir && !found) {
        const dirent *entry = ::readdir(dir);
        if (!entry)
            break;
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end)
            continue;
        if (readFirstLine(std::string("/proc/") + entry->d_name + "/comm") == m_process) {
            found = true;
            foundPid = pid;
        }
    }
    if (dir)
        ::closedir(dir);
    return setOk(found, found ? m_process + " running as pid " + std::to_string(foundPid) : "no process " + m_process);
}

// ---- file ----

FileTracker::FileTracker(const v1::TrackFile &c)
    : Tracker(c.name().empty() ? c.path() : c.name(), "file", config::weightOf(c)), m_path(c.path())
{
}

bool FileTracker::poll(int64_t now)
{
    if (now < m_next)
        return false;
    m_next = now + kPollMicros;
    const std::string text = readFirstLine(m_path);
    char *end = nullptr;
    const long value = text.empty() ? 0 : std::strtol(text.c_str(), &end, 10);
    const bool changed = value != m_value;
    m_value = value;
    m_lastResult = text.empty() ? "missing or empty: counts 0" : "value " + std::to_string(value);
    return changed;
}

// ---- all ----

std::vector<std::unique_ptr<Tracker>> makeTrackers(const v1::Vip &vip, std::function<bool()> canServe)
{
    std::vector<std::unique_ptr<Tracker>> out;
    for (const auto &s : vip.track_script())
        out.push_back(std::make_unique<ScriptTracker>(s));
    for (const auto &p : vip.track_process())
        out.push_back(std::make_unique<ProcessTracker>(p));
    for (const auto &i : vip.track_interface())
        out.push_back(std::make_unique<InterfaceTracker>(i));
    for (const auto &f : vip.track_file())
        out.push_back(std::make_unique<FileTracker>(f));
    if (config::selfTrackEnabled(vip))
        out.push_back(std::make_unique<SelfTracker>(config::selfTrackWeight(vip), std::move(canServe)));
    return out;
}

uint8_t effectivePriority(uint32_t configured, const std::vector<std::unique_ptr<Tracker>> &trackers)
{
    if (configured >= 255)
        return 255;
    long p = long(configured);
    for (const auto &t : trackers) {
        p += t->delta();
    }
    return uint8_t(std::clamp(p, 1L, 254L));
}

bool anyFault(const std::vector<std::unique_ptr<Tracker>> &trackers)
{
    return std::any_of(trackers.begin(), trackers.end(), [](const auto &t) { return t->fault(); });
}

} // namespace hafront::vip
