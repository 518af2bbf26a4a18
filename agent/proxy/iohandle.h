// The pieces a worker's epoll loop dispatches to. Handles are owned by the
// worker and deleted only between loop iterations (never mid-batch).
#pragma once

#include <cstdint>
#include <string>

namespace hafront::proxy {

class Transport;

class IoHandle {
public:
    virtual ~IoHandle() = default;
    virtual void onEvent(uint32_t events) = 0;
    // Called by the worker's sweep; returns false when the handle timed out and closed.
    virtual void onTimer(int64_t /*nowMicros*/) {}

    int fd = -1;
    bool dead = false;
    bool clientConnection = false; // counted in the worker's load (connection balance)
    int64_t deadlineMicros = 0;    // 0 = none
};

// Output buffer with a consumed offset: writes go out in order, partial
// writes keep the rest.
struct OutBuffer {
    std::string data;
    size_t offset = 0;
    size_t pending() const { return data.size() - offset; }
    void append(std::string_view s) { data.append(s.data(), s.size()); }
    // Writes what it can; returns false on a fatal error.
    bool flushTo(Transport &transport);
};

} // namespace hafront::proxy
