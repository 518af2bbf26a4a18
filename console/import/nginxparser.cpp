#include "import/nginxparser.h"

#include <optional>

namespace hafront::import {
namespace {

// nginx refuses deeper nesting long before this; the bounds keep fuzzed and
// self-including files finite.
constexpr int kMaxDepth = 64;
constexpr int kMaxIncludeDepth = 16;
constexpr size_t kMaxFiles = 512;

struct Token {
    enum Type { Word, Semicolon, Open, Close, End } type = End;
    std::string text;
    int line = 0;
};

struct SyntaxError {
    int line;
    std::string message;
};

class Tokenizer {
public:
    explicit Tokenizer(const std::string &text) : m_s(text) {}

    // A token, or a syntax error (unclosed quote, template markup).
    std::optional<Token> next(std::optional<SyntaxError> &error);

private:
    void skipSpaceAndComments();
    std::optional<Token> quoted(std::optional<SyntaxError> &error);
    Token word();

    const std::string &m_s;
    size_t m_pos = 0;
    int m_line = 1;
};

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void Tokenizer::skipSpaceAndComments()
{
    while (m_pos < m_s.size()) {
        const char c = m_s[m_pos];
        if (c == '\n')
            ++m_line;
        if (isSpace(c)) {
            ++m_pos;
        } else if (c == '#') {
            while (m_pos < m_s.size() && m_s[m_pos] != '\n')
                ++m_pos;
        } else {
            return;
        }
    }
}

// nginx turns \" \' \\ \t \r \n into the character; other escapes keep the backslash.
void appendEscaped(std::string &out, char c)
{
    switch (c) {
    case '"':
    case '\'':
    case '\\':
        out += c;
        break;
    case 't':
        out += '\t';
        break;
    case 'r':
        out += '\r';
        break;
    case 'n':
        out += '\n';
        break;
    default:
        out += '\\';
        out += c;
        break;
    }
}

std::optional<Token> Tokenizer::quoted(std::optional<SyntaxError> &error)
{
    const char quote = m_s[m_pos++];
    Token t{Token::Word, {}, m_line};
    while (m_pos < m_s.size() && m_s[m_pos] != quote) {
        if (m_s[m_pos] == '\n')
            ++m_line;
        if (m_s[m_pos] == '\\' && m_pos + 1 < m_s.size()) {
            if (m_s[m_pos + 1] == '\n')
                ++m_line;
            appendEscaped(t.text, m_s[m_pos + 1]);
            m_pos += 2;
            continue;
        }
        t.text += m_s[m_pos++];
    }
    if (m_pos >= m_s.size()) {
        error = SyntaxError{t.line, std::string("unexpected end of file: the quote ") + quote + " is never closed"};
        return std::nullopt;
    }
    ++m_pos;
    if (m_pos < m_s.size() && !isSpace(m_s[m_pos]) && m_s[m_pos] != ';' && m_s[m_pos] != '{') {
        error = SyntaxError{m_line, std::string("unexpected \"") + m_s[m_pos] + "\" after a quoted string"};
        return std::nullopt;
    }
    return t;
}

Token Tokenizer::word()
{
    Token t{Token::Word, {}, m_line};
    bool inVariable = false; // ${name}: its braces belong to the word
    while (m_pos < m_s.size()) {
        const char c = m_s[m_pos];
        if (c == '\\' && m_pos + 1 < m_s.size()) {
            appendEscaped(t.text, m_s[m_pos + 1]);
            m_pos += 2;
            continue;
        }
        if (c == '{' && !t.text.empty() && t.text.back() == '$') {
            inVariable = true;
        } else if (c == '}' && inVariable) {
            inVariable = false;
        } else if (isSpace(c) || c == ';' || c == '{' || c == '}') {
            break;
        }
        t.text += c;
        ++m_pos;
    }
    return t;
}

std::optional<Token> Tokenizer::next(std::optional<SyntaxError> &error)
{
    skipSpaceAndComments();
    if (m_pos >= m_s.size())
        return Token{Token::End, {}, m_line};
    const char c = m_s[m_pos];
    const char after = m_pos + 1 < m_s.size() ? m_s[m_pos + 1] : '\0';
    if ((c == '{' && (after == '{' || after == '%')) || (c == '<' && after == '%')) {
        error = SyntaxError{m_line, "template markup (\"" + m_s.substr(m_pos, 2) +
                                        "\"): this file is a template; render it before importing"};
        return std::nullopt;
    }
    if (c == ';' || c == '{' || c == '}') {
        ++m_pos;
        return Token{c == ';' ? Token::Semicolon : c == '{' ? Token::Open : Token::Close, std::string(1, c), m_line};
    }
    if (c == '"' || c == '\'')
        return quoted(error);
    return word();
}

class Parser {
public:
    Parser(const SourceReader &reader, Report &report, std::string mainDir)
        : m_reader(reader), m_report(report), m_mainDir(std::move(mainDir))
    {
    }

    bool parseFile(const std::string &path, std::vector<Directive> &out, int includeDepth);

private:
    bool parseBlock(Tokenizer &tok, const std::string &file, std::vector<Directive> &out, int depth, int includeDepth);
    bool include(const Directive &d, std::vector<Directive> &out, int includeDepth);
    std::string resolve(const std::string &pattern, const std::string &includingFile, bool &fromIncludingFile);

    const SourceReader &m_reader;
    Report &m_report;
    std::string m_mainDir;
    size_t m_files = 0;
};

bool Parser::parseFile(const std::string &path, std::vector<Directive> &out, int includeDepth)
{
    if (++m_files > kMaxFiles) {
        m_report.error(path, 1, "more than " + std::to_string(kMaxFiles) + " files included");
        return false;
    }
    auto text = m_reader.read(path);
    if (!text) {
        m_report.error(path, 1, text.error());
        return false;
    }
    Tokenizer tok(*text);
    return parseBlock(tok, path, out, 0, includeDepth);
}

// One block's directives up to its '}' (or the end of the file at depth 0).
bool Parser::parseBlock(Tokenizer &tok, const std::string &file, std::vector<Directive> &out, int depth,
                        int includeDepth)
{
    Directive current;
    bool haveName = false;
    for (;;) {
        std::optional<SyntaxError> error;
        const auto t = tok.next(error);
        if (!t) {
            m_report.error(file, error->line, error->message);
            return false;
        }
        if (t->type == Token::Word) {
            if (!haveName) {
                current = Directive{t->text, {}, file, t->line, false, {}};
                haveName = true;
            } else {
                current.args.push_back(t->text);
            }
            continue;
        }
        if (t->type == Token::End || t->type == Token::Close) {
            if (haveName) {
                m_report.error(file, t->line,
                               "unexpected " + std::string(t->type == Token::End ? "end of file" : "\"}\"") +
                                   ", expecting \";\" or \"}\" after \"" + current.name + "\"");
                return false;
            }
            if ((t->type == Token::End) != (depth == 0)) {
                m_report.error(file, t->line,
                               t->type == Token::End ? "unexpected end of file, expecting \"}\"" : "unexpected \"}\"");
                return false;
            }
            return true;
        }
        if (!haveName) {
            m_report.error(file, t->line, "unexpected \"" + t->text + "\"");
            return false;
        }
        if (t->type == Token::Open) {
            if (depth + 1 >= kMaxDepth) {
                m_report.error(file, t->line, "blocks nested deeper than " + std::to_string(kMaxDepth));
                return false;
            }
            current.isBlock = true;
            if (!parseBlock(tok, file, current.children, depth + 1, includeDepth))
                return false;
            out.push_back(std::move(current));
        } else if (current.name == "include") {
            if (!include(current, out, includeDepth))
                return false;
        } else {
            out.push_back(std::move(current));
        }
        haveName = false;
    }
}

std::string Parser::resolve(const std::string &pattern, const std::string &includingFile, bool &fromIncludingFile)
{
    fromIncludingFile = false;
    const std::string nginxWay = joinPath(m_mainDir, pattern);
    const std::string includerWay = joinPath(dirName(includingFile), pattern);
    if (nginxWay == includerWay || pattern.empty() || pattern[0] == '/')
        return nginxWay;
    const bool found = hasGlob(pattern) ? !m_reader.glob(nginxWay).empty() : m_reader.read(nginxWay).ok();
    if (found)
        return nginxWay;
    const bool foundBeside = hasGlob(pattern) ? !m_reader.glob(includerWay).empty() : m_reader.read(includerWay).ok();
    fromIncludingFile = foundBeside;
    return foundBeside ? includerWay : nginxWay;
}

bool Parser::include(const Directive &d, std::vector<Directive> &out, int includeDepth)
{
    if (d.args.size() != 1) {
        m_report.error(d.file, d.line, "invalid number of arguments in \"include\"");
        return false;
    }
    if (includeDepth + 1 > kMaxIncludeDepth) {
        m_report.error(d.file, d.line,
                       "includes nested deeper than " + std::to_string(kMaxIncludeDepth) +
                           " (does a file include itself?)");
        return false;
    }
    bool besideIncluder = false;
    const std::string path = resolve(d.args[0], d.file, besideIncluder);
    std::vector<std::string> files;
    if (hasGlob(path)) {
        files = m_reader.glob(path);
        m_report.mapped(d, files.empty() ? "matches no file (nginx accepts an empty glob)"
                                         : "includes " + std::to_string(files.size()) + " file(s)");
    } else {
        files.push_back(path);
        m_report.mapped(d, "includes " + path);
    }
    if (besideIncluder)
        m_report.approximated(d, "read from " + dirName(d.file) + "; nginx resolves a relative include against " +
                                     "the main config's folder " + (m_mainDir.empty() ? "." : m_mainDir) +
                                     ", where it does not exist");
    for (const auto &f : files)
        if (!parseFile(f, out, includeDepth + 1))
            return false;
    return true;
}

} // namespace

NginxTree parseNginx(const std::string &path, const SourceReader &reader, Report &report)
{
    NginxTree tree;
    Parser parser(reader, report, dirName(path));
    tree.ok = parser.parseFile(path, tree.directives, 0);
    if (!tree.ok)
        tree.directives.clear();
    return tree;
}

} // namespace hafront::import
