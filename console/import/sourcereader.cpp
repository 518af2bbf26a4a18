#include "import/sourcereader.h"

#include "import/directive.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <glob.h>
#include <sstream>

namespace hafront::import {
namespace fs = std::filesystem;

std::string Directive::argText() const
{
    std::string out;
    for (const auto &a : args)
        out += (out.empty() ? "" : " ") + a;
    return out;
}

const Directive *Directive::child(const std::string &childName) const
{
    for (const auto &c : children)
        if (c.name == childName)
            return &c;
    return nullptr;
}

bool hasGlob(const std::string &pattern)
{
    return pattern.find_first_of("*?[") != std::string::npos;
}

namespace {

// A [...] class at p[i] against c; moves i past the ']' (npos when the class
// is not closed, which matches nothing).
bool matchClass(const std::string &p, size_t &i, char c)
{
    size_t j = i + 1;
    bool negate = j < p.size() && (p[j] == '!' || p[j] == '^');
    if (negate)
        ++j;
    bool found = false;
    const size_t start = j;
    for (; j < p.size() && (p[j] != ']' || j == start); ++j) {
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
            found |= c >= p[j] && c <= p[j + 2];
            j += 2;
        } else {
            found |= p[j] == c;
        }
    }
    if (j >= p.size())
        return (i = std::string::npos, false); // unterminated class: no match
    i = j + 1;
    return found != negate;
}

} // namespace

namespace {

// One path segment against one pattern segment; iterative with a single
// backtrack point per '*', so fuzzed patterns stay linear.
bool segmentMatches(const std::string &p, const std::string &s)
{
    size_t pi = 0, si = 0, starP = std::string::npos, starS = 0;
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '*') {
            starP = pi++;
            starS = si;
            continue;
        }
        if (pi < p.size()) {
            size_t next = pi + 1;
            bool ok = p[pi] == '?' || p[pi] == s[si];
            if (p[pi] == '[') {
                next = pi;
                ok = matchClass(p, next, s[si]);
            }
            if (ok && next != std::string::npos) {
                pi = next, ++si;
                continue;
            }
        }
        if (starP == std::string::npos)
            return false;
        pi = starP + 1;
        si = ++starS;
    }
    while (pi < p.size() && p[pi] == '*')
        ++pi;
    return pi == p.size();
}

std::vector<std::string> splitSlash(const std::string &s)
{
    std::vector<std::string> out(1);
    for (char c : s)
        if (c == '/')
            out.emplace_back();
        else
            out.back().push_back(c);
    return out;
}

} // namespace

bool globMatches(const std::string &pattern, const std::string &path)
{
    const auto p = splitSlash(pattern), s = splitSlash(path);
    if (p.size() != s.size())
        return false;
    for (size_t i = 0; i < p.size(); ++i)
        if (!segmentMatches(p[i], s[i]))
            return false;
    return true;
}

std::string joinPath(const std::string &dir, const std::string &path)
{
    if (path.empty() || path[0] == '/' || dir.empty())
        return fs::path(path).lexically_normal().string();
    return (fs::path(dir) / path).lexically_normal().string();
}

std::string dirName(const std::string &path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return "";
    return slash == 0 ? "/" : path.substr(0, slash);
}

Result<std::string> MemoryReader::read(const std::string &path) const
{
    const auto it = m_files.find(path);
    if (it == m_files.end())
        return fail("cannot open " + path + ": No such file or directory");
    return it->second;
}

std::vector<std::string> MemoryReader::glob(const std::string &pattern) const
{
    std::vector<std::string> out;
    for (const auto &[path, text] : m_files)
        if (globMatches(pattern, path))
            out.push_back(path);
    return out; // std::map keeps them sorted
}

bool MemoryReader::isDirectory(const std::string &path) const
{
    if (m_dirs.count(path))
        return true;
    const std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
    for (const auto &[file, text] : m_files)
        if (file.rfind(prefix, 0) == 0)
            return true;
    return false;
}

Result<std::string> DiskReader::read(const std::string &path) const
{
    if (fs::is_directory(path))
        return fail("cannot read " + path + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot open " + path + ": " + std::strerror(errno));
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::vector<std::string> DiskReader::glob(const std::string &pattern) const
{
    std::vector<std::string> out;
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; ++i)
            if (!fs::is_directory(g.gl_pathv[i]))
                out.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    return out;
}

bool DiskReader::isDirectory(const std::string &path) const
{
    std::error_code ec;
    return fs::is_directory(path, ec);
}

} // namespace hafront::import
