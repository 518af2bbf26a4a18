// Invariant checks inside fuzz targets: a broken property is a crash that
// libFuzzer saves as a reproducer, like a sanitizer report.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                                                    \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #condition);   \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (0)
