#include "import/keepalivedparser.h"

#include <cctype>
#include <map>

namespace hafront::import {
namespace {

constexpr int kMaxDepth = 32;
constexpr int kMaxIncludeDepth = 8;
constexpr size_t kMaxFiles = 256;
constexpr size_t kMaxExpansion = 1 << 20; // a definition expanding into itself stops here

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
bool isNameChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct Line {
    int number = 0;
    std::string condition;
    std::vector<std::string> tokens; // '{' and '}' are tokens of their own
};

// '#' and '!' start a comment at the start of a word (keepalived: "! Configuration File").
std::string stripComment(const std::string &line)
{
    bool inQuote = false;
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '"')
            inQuote = !inQuote;
        else if (!inQuote && (line[i] == '#' || line[i] == '!') && (i == 0 || isSpace(line[i - 1])))
            return line.substr(0, i);
    }
    return line;
}

std::vector<std::string> tokenize(const std::string &text)
{
    std::vector<std::string> out;
    std::string cur;
    bool inQuote = false, quoted = false;
    auto flush = [&] {
        if (!cur.empty() || quoted)
            out.push_back(cur);
        cur.clear();
        quoted = false;
    };
    int variableBraces = 0; // ${NAME} left unsubstituted: its braces are part of the word
    for (char c : text) {
        if (!inQuote && c == '{' && !cur.empty() && cur.back() == '$') {
            ++variableBraces;
            cur += c;
        } else if (!inQuote && c == '}' && variableBraces > 0) {
            --variableBraces;
            cur += c;
        } else if (c == '"') {
            inQuote = !inQuote;
            quoted = true;
        } else if (inQuote) {
            cur += c;
        } else if (isSpace(c)) {
            flush();
        } else if (c == '{' || c == '}') {
            flush();
            out.emplace_back(1, c);
        } else {
            cur += c;
        }
    }
    flush();
    return out;
}

class Parser {
public:
    Parser(const SourceReader &reader, Report &report) : m_reader(reader), m_report(report) {}
    bool parseFile(const std::string &path, int includeDepth);
    std::vector<Directive> take() { return std::move(m_root); }
    size_t openBlocks() const { return m_stack.size(); }
    const Directive *firstOpen() const { return m_stack.front(); }

private:
    std::string substitute(const std::string &text) const;
    bool handleLine(const std::string &file, const Line &line, int includeDepth);
    bool addDirective(const std::string &file, const Line &line, std::vector<std::string> tokens, int includeDepth);
    bool include(const Directive &d, int includeDepth);
    std::vector<Directive> &current() { return m_stack.empty() ? m_root : m_stack.back()->children; }

    const SourceReader &m_reader;
    Report &m_report;
    std::vector<Directive> m_root;
    std::vector<Directive *> m_stack; // open blocks; pointers stay valid while a block is open
    std::map<std::string, std::string> m_definitions;
    size_t m_files = 0;
};

// ${NAME} and $NAME as keepalived defines them with "$NAME=value"; unknown
// names are left as written, for the mapper to report as placeholders.
std::string Parser::substitute(const std::string &text) const
{
    std::string out;
    for (size_t i = 0; i < text.size() && out.size() < kMaxExpansion; ++i) {
        if (text[i] != '$') {
            out += text[i];
            continue;
        }
        const bool braced = i + 1 < text.size() && text[i + 1] == '{';
        size_t start = i + (braced ? 2 : 1), end = start;
        while (end < text.size() && isNameChar(text[end]))
            ++end;
        const bool closed = !braced || (end < text.size() && text[end] == '}');
        const auto it = m_definitions.find(text.substr(start, end - start));
        if (end == start || !closed || it == m_definitions.end()) {
            out += text[i];
            continue;
        }
        out += it->second;
        i = end + (braced ? 0 : -1);
    }
    return out;
}

bool Parser::parseFile(const std::string &path, int includeDepth)
{
    if (++m_files > kMaxFiles) {
        m_report.error(path, 1, "more than " + std::to_string(kMaxFiles) + " files included");
        return false;
    }
    const auto text = m_reader.read(path);
    if (!text) {
        m_report.error(path, 1, text.error());
        return false;
    }
    int number = 0;
    for (size_t pos = 0; pos <= text->size();) {
        const size_t nl = text->find('\n', pos);
        std::string raw = text->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text->size() + 1 : nl + 1;
        ++number;
        std::string body = stripComment(raw);
        size_t first = 0;
        while (first < body.size() && isSpace(body[first]))
            ++first;
        body = body.substr(first);
        Line line{number, {}, {}};
        if (body.size() > 1 && body[0] == '$' && body.find('=') != std::string::npos &&
            isNameChar(body[1])) { // $NAME=value
            const auto eq = body.find('=');
            std::string value = body.substr(eq + 1);
            while (!value.empty() && isSpace(value.back()))
                value.pop_back();
            m_definitions[body.substr(1, eq - 1)] = substitute(value);
            continue;
        }
        if (body.find("{{") != std::string::npos || body.find("{%") != std::string::npos) {
            m_report.error(path, number,
                           "template markup (\"" + body.substr(body.find('{'), 2) +
                               "\"): this file is a template; render it before importing");
            return false;
        }
        if (!body.empty() && body[0] == '@') {
            const auto space = body.find_first_of(" \t");
            line.condition = body.substr(1, space == std::string::npos ? std::string::npos : space - 1);
            body = space == std::string::npos ? std::string() : body.substr(space + 1);
        }
        line.tokens = tokenize(substitute(body));
        if (!handleLine(path, line, includeDepth))
            return false;
    }
    return true;
}

bool Parser::handleLine(const std::string &file, const Line &line, int includeDepth)
{
    std::vector<std::string> pending;
    for (const auto &t : line.tokens) {
        if (t == "{") {
            if (pending.empty()) { // "{" on its own line opens the directive above
                if (current().empty() || current().back().isBlock) {
                    m_report.error(file, line.number, "\"{\" opens no block");
                    return false;
                }
            } else {
                // The directive this brace opens; never an include, which adds
                // no directive of its own to open.
                current().push_back(Directive{
                    pending[0], {pending.begin() + 1, pending.end()}, file, line.number, false, {}, line.condition});
            }
            pending.clear();
            if (m_stack.size() + 1 >= size_t(kMaxDepth)) {
                m_report.error(file, line.number, "blocks nested deeper than " + std::to_string(kMaxDepth));
                return false;
            }
            Directive *block = &current().back();
            block->isBlock = true;
            m_stack.push_back(block);
        } else if (t == "}") {
            if (!pending.empty() && !addDirective(file, line, std::move(pending), includeDepth))
                return false;
            pending.clear();
            if (m_stack.empty()) {
                m_report.error(file, line.number, "unexpected \"}\"");
                return false;
            }
            m_stack.pop_back();
        } else {
            pending.push_back(t);
        }
    }
    return pending.empty() || addDirective(file, line, std::move(pending), includeDepth);
}

bool Parser::addDirective(const std::string &file, const Line &line, std::vector<std::string> tokens, int includeDepth)
{
    Directive d{tokens[0], {tokens.begin() + 1, tokens.end()}, file, line.number, false, {}, line.condition};
    if (d.name == "include" && d.condition.empty())
        return include(d, includeDepth);
    current().push_back(std::move(d));
    return true;
}

bool Parser::include(const Directive &d, int includeDepth)
{
    if (d.args.size() != 1) {
        m_report.error(d.file, d.line, "include takes one path");
        return false;
    }
    if (includeDepth + 1 > kMaxIncludeDepth) {
        m_report.error(d.file, d.line,
                       "includes nested deeper than " + std::to_string(kMaxIncludeDepth) +
                           " (does a file include itself?)");
        return false;
    }
    const std::string path = joinPath(dirName(d.file), d.args[0]);
    const auto files = hasGlob(path) ? m_reader.glob(path) : std::vector<std::string>{path};
    m_report.mapped(d, files.empty() ? "matches no file" : "includes " + std::to_string(files.size()) + " file(s)");
    for (const auto &f : files)
        if (!parseFile(f, includeDepth + 1))
            return false;
    return true;
}

} // namespace

KeepalivedTree parseKeepalived(const std::string &path, const SourceReader &reader, Report &report)
{
    KeepalivedTree tree;
    Parser parser(reader, report);
    tree.ok = parser.parseFile(path, 0);
    if (tree.ok && parser.openBlocks() > 0) {
        report.error(parser.firstOpen()->file, parser.firstOpen()->line,
                     "unexpected end of file: the block \"" + parser.firstOpen()->name +
                         "\" opened here is never closed");
        tree.ok = false;
    }
    auto directives = parser.take();
    if (tree.ok)
        tree.directives = std::move(directives);
    return tree;
}

} // namespace hafront::import
