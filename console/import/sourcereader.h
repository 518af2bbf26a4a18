// Where the importer reads config files from: an interface, so the parsers
// and tests run on files held in memory (MemoryReader) and only the CLI and
// the console read the disk (DiskReader).
#pragma once

#include "base/result.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace hafront::import {

class SourceReader {
public:
    virtual ~SourceReader() = default;
    virtual Result<std::string> read(const std::string &path) const = 0;
    // Paths matching a shell glob (*, ?, [...]), sorted like glob(3).
    virtual std::vector<std::string> glob(const std::string &pattern) const = 0;
    virtual bool isDirectory(const std::string &path) const = 0;
};

class MemoryReader : public SourceReader {
public:
    void add(const std::string &path, std::string text) { m_files[path] = std::move(text); }
    void addDirectory(const std::string &path) { m_dirs.insert(path); }

    Result<std::string> read(const std::string &path) const override;
    std::vector<std::string> glob(const std::string &pattern) const override;
    bool isDirectory(const std::string &path) const override;

private:
    std::map<std::string, std::string> m_files;
    std::set<std::string> m_dirs;
};

class DiskReader : public SourceReader {
public:
    Result<std::string> read(const std::string &path) const override;
    std::vector<std::string> glob(const std::string &pattern) const override;
    bool isDirectory(const std::string &path) const override;
};

// fnmatch(3)-like matching of one path against a glob, '/' never matched by
// a wildcard. Shared by MemoryReader and tests.
bool globMatches(const std::string &pattern, const std::string &path);
bool hasGlob(const std::string &pattern);
// "a/b/../c" made lexical, "dir" + "rel" joined; absolute paths stay.
std::string joinPath(const std::string &dir, const std::string &path);
std::string dirName(const std::string &path);

} // namespace hafront::import
