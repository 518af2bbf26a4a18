// Names the calling thread (15 bytes at most, the kernel's limit), so that
// `top -H`, `ps -L`, perf and gdb show which agent thread is busy.
#pragma once

#include <pthread.h>

#include <string>

namespace hafront {

inline void nameThisThread(std::string name)
{
    if (name.size() > 15)
        name.resize(15);
    pthread_setname_np(pthread_self(), name.c_str());
}

} // namespace hafront
