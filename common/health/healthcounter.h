// Health bookkeeping, pure: rise/fall counters for active checks, a passive
// failure window, and slow start. Time is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace hafront::health {

using Clock = std::chrono::steady_clock;

// UP after `rise` consecutive successes, DOWN after `fall` consecutive failures.
class RiseFall {
public:
    enum class State { Unknown, Up, Down };
    RiseFall(uint32_t rise, uint32_t fall) : m_rise(rise), m_fall(fall) {}

    // Returns true when the state changed.
    bool record(bool success);
    State state() const { return m_state; }
    // A backend with no verdict yet is used (like nginx) until the first failures.
    bool usable() const { return m_state != State::Down; }

private:
    uint32_t m_rise, m_fall;
    uint32_t m_successes = 0, m_failures = 0;
    State m_state = State::Unknown;
};

// N failures within a window mark the backend down for `downFor`.
class PassiveWindow {
public:
    PassiveWindow(uint32_t maxFails, std::chrono::milliseconds window, std::chrono::milliseconds downFor)
        : m_maxFails(maxFails), m_window(window), m_downFor(downFor)
    {
    }

    // Returns true when this failure marks the backend down.
    bool recordFailure(Clock::time_point now);
    bool down(Clock::time_point now) const { return m_maxFails && now < m_downUntil; }

private:
    uint32_t m_maxFails;
    std::chrono::milliseconds m_window, m_downFor;
    std::deque<Clock::time_point> m_failures;
    Clock::time_point m_downUntil{};
};

// Weight in force `elapsed` after recovery: ramps linearly from 1 to `weight`.
uint32_t slowStartWeight(uint32_t weight, std::chrono::milliseconds elapsed, std::chrono::milliseconds slowStart);

} // namespace hafront::health
