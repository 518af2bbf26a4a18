#include "import/report.h"

#include "import/directive.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace hafront::import {

const char *kindName(Kind kind)
{
    switch (kind) {
    case Kind::Mapped:
        return "mapped";
    case Kind::Approximated:
        return "approximated";
    case Kind::Unsupported:
        return "unsupported";
    case Kind::Error:
        return "error";
    }
    return "?";
}

std::string ReportEntry::format() const
{
    std::string out = file + ":" + std::to_string(line) + ": " + kindName(kind) + ": ";
    if (!directive.empty())
        out += directive + ": ";
    return out + text;
}

Span spanOf(const Directive &block)
{
    Span s{block.file, block.line, block.line};
    std::vector<const Directive *> todo{&block};
    for (size_t i = 0; i < todo.size(); ++i)
        for (const auto &c : todo[i]->children) {
            if (c.file == block.file)
                s.last = std::max(s.last, c.line + (c.isBlock ? 1 : 0));
            todo.push_back(&c);
        }
    return s;
}

void Report::mapped(const Directive &d, std::string text, std::string target)
{
    m_entries.push_back({d.file, d.line, d.name, Kind::Mapped, std::move(text), std::move(target)});
}

void Report::approximated(const Directive &d, std::string text, std::string target)
{
    m_entries.push_back({d.file, d.line, d.name, Kind::Approximated, std::move(text), std::move(target)});
}

void Report::unsupported(const Directive &d, std::string text, std::string target)
{
    m_entries.push_back({d.file, d.line, d.name, Kind::Unsupported, std::move(text), std::move(target)});
}

void Report::error(const std::string &file, int line, std::string text)
{
    m_entries.push_back({file, line, "", Kind::Error, std::move(text), {}});
}

size_t Report::count(Kind kind) const
{
    return size_t(
        std::count_if(m_entries.begin(), m_entries.end(), [kind](const ReportEntry &e) { return e.kind == kind; }));
}

namespace {

std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    return out + "\"";
}

std::vector<ReportEntry> sorted(std::vector<ReportEntry> entries)
{
    std::stable_sort(entries.begin(), entries.end(), [](const ReportEntry &a, const ReportEntry &b) {
        return std::tie(a.file, a.line) < std::tie(b.file, b.line);
    });
    return entries;
}

} // namespace

std::string reportJson(const std::vector<ReportEntry> &entries)
{
    std::string out = "{\"entries\":[";
    size_t counts[4] = {};
    bool first = true;
    for (const auto &e : sorted(entries)) {
        ++counts[int(e.kind)];
        out += first ? "\n" : ",\n";
        first = false;
        out += "{\"file\":" + jsonString(e.file) + ",\"line\":" + std::to_string(e.line) +
               ",\"directive\":" + jsonString(e.directive) + ",\"kind\":\"" + kindName(e.kind) +
               "\",\"text\":" + jsonString(e.text) + "}";
    }
    out += "\n],\"counts\":{";
    for (int k = 0; k < 4; ++k)
        out += std::string(k ? "," : "") + "\"" + kindName(Kind(k)) + "\":" + std::to_string(counts[k]);
    return out + "}}\n";
}

std::string reportText(const std::vector<ReportEntry> &entries)
{
    std::string out;
    for (const auto &e : sorted(entries))
        if (e.kind != Kind::Mapped)
            out += e.format() + "\n";
    return out;
}

} // namespace hafront::import
