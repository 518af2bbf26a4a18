// Trackers in keepalived's spirit: each one, polled from the VRRP thread,
// says how much it adds to a VIP's priority now, or that the node is at fault
// (weight 0 and failing). Scripts run as children with a timeout; nothing blocks.
#pragma once

#include "hafront/v1/cluster.pb.h"
#include "hafront/v1/control.pb.h"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hafront::vip {

class Tracker {
public:
    virtual ~Tracker() = default;
    // Advances the tracker; returns true when its verdict changed.
    virtual bool poll(int64_t nowMicros) = 0;
    // Earliest time poll() has something to do.
    virtual int64_t nextDueMicros() const = 0;

    const std::string &name() const { return m_name; }
    bool ok() const { return m_ok; }
    // What it adds to the priority now; fault() means "no VIP on this node".
    virtual int delta() const;
    bool fault() const { return !m_ok && m_weight == 0; }
    void fill(v1::TrackerStatus &out) const;

protected:
    Tracker(std::string name, std::string kind, int weight)
        : m_name(std::move(name)), m_kind(std::move(kind)), m_weight(weight)
    {
    }
    // Sets the verdict; returns true on change.
    bool setOk(bool ok, std::string result);

    std::string m_name;
    std::string m_kind;
    int m_weight = 0;
    bool m_ok = true;
    std::string m_lastResult = "not run yet";
};

// A shell command: exit 0 = ok. rise/fall consecutive results change the verdict.
class ScriptTracker : public Tracker {
public:
    explicit ScriptTracker(const v1::TrackScript &config);
    ~ScriptTracker() override;
    bool poll(int64_t nowMicros) override;
    int64_t nextDueMicros() const override;

private:
    bool finish(bool ok, std::string result);

    std::string m_command;
    int64_t m_intervalMicros;
    int64_t m_timeoutMicros;
    uint32_t m_rise, m_fall;
    uint32_t m_goodRun = 0, m_badRun = 0;
    pid_t m_child = -1;
    int64_t m_startedAt = 0;
    int64_t m_nextRun = 0;
};

// The agent's own proxy: listeners accepting and some pool up.
class SelfTracker : public Tracker {
public:
    SelfTracker(int weight, std::function<bool()> canServe);
    bool poll(int64_t nowMicros) override;
    int64_t nextDueMicros() const override { return m_next; }

private:
    std::function<bool()> m_canServe;
    int64_t m_next = 0;
};

// /sys/class/net/IF/operstate is "up" (or "unknown" for loopback-like links).
class InterfaceTracker : public Tracker {
public:
    explicit InterfaceTracker(const v1::TrackInterface &config);
    bool poll(int64_t nowMicros) override;
    int64_t nextDueMicros() const override { return m_next; }

private:
    std::string m_interface;
    int64_t m_next = 0;
};

// A process by comm name (scan /proc) or by pid file.
class ProcessTracker : public Tracker {
public:
    explicit ProcessTracker(const v1::TrackProcess &config);
    bool poll(int64_t nowMicros) override;
    int64_t nextDueMicros() const override { return m_next; }

private:
    std::string m_process, m_pidFile;
    int64_t m_next = 0;
};

// The integer in a file times weight is the delta; a missing file counts 0.
class FileTracker : public Tracker {
public:
    explicit FileTracker(const v1::TrackFile &config);
    bool poll(int64_t nowMicros) override;
    int64_t nextDueMicros() const override { return m_next; }
    int delta() const override { return int(m_value * m_weight); }

private:
    std::string m_path;
    long m_value = 0;
    int64_t m_next = 0;
};

std::vector<std::unique_ptr<Tracker>> makeTrackers(const v1::Vip &vip, std::function<bool()> canServe);

// configured + the sum of deltas, clamped to 1..254 (255 stays 255: owner).
uint8_t effectivePriority(uint32_t configured, const std::vector<std::unique_ptr<Tracker>> &trackers);
bool anyFault(const std::vector<std::unique_ptr<Tracker>> &trackers);

} // namespace hafront::vip
