// TcpSession: a TCP listener's connection passed through to a backend picked
// by the pool's picker; bytes both ways, half-close honoured, idle timeout.
#pragma once

#include <cstddef>

namespace hafront::proxy {

class Worker;

class TcpSession {
public:
    static void start(Worker &worker, int clientFd, size_t listenerIndex);
};

} // namespace hafront::proxy
