// StateFile: the operator's runtime overrides on disk, written atomically
// (temp, fsync, rename, fsync dir) and re-applied at start.
#pragma once

#include "base/result.h"
#include "hafront/v1/state.pb.h"

#include <string>

namespace hafront::control {

Status writeFileAtomically(const std::string &path, const std::string &bytes);

class StateFile {
public:
    explicit StateFile(std::string path) : m_path(std::move(path)) {}

    struct Loaded {
        v1::RuntimeState state;
        std::string problem; // non-empty: the file was corrupt and moved aside
    };
    // A missing file is an empty state; a corrupt one (it does not parse, or
    // holds a weight or state the agent would refuse from an operator) is moved
    // aside (never silently reset) and `problem` says why and where it went.
    Loaded load() const;
    Status save(const v1::RuntimeState &state) const;
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
};

} // namespace hafront::control
