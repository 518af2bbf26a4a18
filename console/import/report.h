// The import report: one entry per directive read, saying whether hafront
// maps it, approximates it (and what it does instead) or cannot carry it
// (and why). Syntax errors are entries too: a file nginx or keepalived would
// refuse is not imported.
#pragma once

#include <string>
#include <vector>

namespace hafront::import {

struct Directive;

enum class Kind { Mapped, Approximated, Unsupported, Error };

struct ReportEntry {
    std::string file;
    int line = 0;
    std::string directive;
    Kind kind = Kind::Mapped;
    std::string text;
    // The cluster element the entry concerns ("listener:web", "pool:app",
    // "vip:VI_1"), so the written config can carry it as a comment.
    std::string target;

    // "FILE:LINE: approximated: DIRECTIVE: TEXT" (the binding line format).
    std::string format() const;
};

const char *kindName(Kind kind);

// The lines a cluster element came from, so its comments in the written
// config can quote the report entries of those lines.
struct Span {
    std::string file;
    int first = 0;
    int last = 0;
};
Span spanOf(const Directive &block);

class Report {
public:
    void mapped(const Directive &d, std::string text = {}, std::string target = {});
    void approximated(const Directive &d, std::string text, std::string target = {});
    void unsupported(const Directive &d, std::string text, std::string target = {});
    void error(const std::string &file, int line, std::string text);
    void add(ReportEntry entry) { m_entries.push_back(std::move(entry)); }

    const std::vector<ReportEntry> &entries() const { return m_entries; }
    std::vector<ReportEntry> &entries() { return m_entries; }
    size_t count(Kind kind) const;
    bool hasErrors() const { return count(Kind::Error) > 0; }

private:
    std::vector<ReportEntry> m_entries;
};

// The report as JSON: {"entries":[{file,line,directive,kind,text}],"counts":{...}}.
std::string reportJson(const std::vector<ReportEntry> &entries);
// Entries other than mapped, one line each, in file then line order.
std::string reportText(const std::vector<ReportEntry> &entries);

} // namespace hafront::import
