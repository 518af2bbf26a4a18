#include "config/fieldlocations.h"

#include <cctype>
#include <cstdint>

namespace hafront::config {
namespace gp = google::protobuf;

namespace {
std::string join(const std::string &base, const std::string &name)
{
    return base.empty() ? name : base + "." + name;
}

// A small JSON reader that only tracks where keys and elements start.
class JsonScanner {
public:
    JsonScanner(const std::string &text, LocationMap &out) : m_s(text), m_out(out) {}

    std::vector<JsonProblem> run(const gp::Descriptor *root)
    {
        skipSpace();
        value(root, "", 0);
        skipSpace();
        if (m_problems.empty() && m_i < m_s.size())
            problem("unexpected text after the JSON document");
        return m_problems;
    }

private:
    Position here() const { return {m_line, m_col}; }
    void problem(const std::string &message)
    {
        if (m_problems.empty()) // later problems are consequences of the first
            m_problems.push_back({here(), message});
        m_i = m_s.size();
    }
    char peek() const { return m_i < m_s.size() ? m_s[m_i] : '\0'; }
    void advance()
    {
        if (m_i >= m_s.size())
            return;
        if (m_s[m_i] == '\n') {
            ++m_line;
            m_col = 1;
        } else {
            ++m_col;
        }
        ++m_i;
    }
    void skipSpace()
    {
        while (m_i < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_i])))
            advance();
    }
    bool expect(char c)
    {
        skipSpace();
        if (peek() != c) {
            problem(std::string("expected '") + c + "'");
            return false;
        }
        advance();
        return true;
    }
    std::string string()
    {
        std::string out;
        if (!expect('"'))
            return out;
        while (m_i < m_s.size() && peek() != '"') {
            if (peek() != '\\') {
                out += peek();
                advance();
                continue;
            }
            advance();
            // Keys are compared with field names: decode escapes as JSON does,
            // or "n\u0061me" would be an unknown field that protobuf accepts
            // (found by tests/fuzz/fuzz_configjson).
            const char e = peek();
            advance();
            switch (e) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u':
                appendUtf8(out, codePoint());
                break;
            default:
                out += e;
                break; // '"', '\\', '/'; anything else protobuf refuses later
            }
        }
        if (peek() != '"')
            problem("unterminated string");
        advance();
        return out;
    }
    uint32_t hex4()
    {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = peek();
            const int d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
            if (d < 0) {
                problem("bad \\u escape");
                return 0xfffd;
            }
            v = v << 4 | uint32_t(d);
            advance();
        }
        return v;
    }
    // After "\u": one escape, or a surrogate pair of two.
    uint32_t codePoint()
    {
        const uint32_t high = hex4();
        if (high < 0xd800 || high > 0xdbff || peek() != '\\' || m_i + 1 >= m_s.size() || m_s[m_i + 1] != 'u')
            return high;
        advance();
        advance();
        const uint32_t low = hex4();
        if (low < 0xdc00 || low > 0xdfff)
            return 0xfffd;
        return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
    }
    static void appendUtf8(std::string &out, uint32_t cp)
    {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xc0 | cp >> 6);
            out += char(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += char(0xe0 | cp >> 12);
            out += char(0x80 | (cp >> 6 & 0x3f));
            out += char(0x80 | (cp & 0x3f));
        } else {
            out += char(0xf0 | cp >> 18);
            out += char(0x80 | (cp >> 12 & 0x3f));
            out += char(0x80 | (cp >> 6 & 0x3f));
            out += char(0x80 | (cp & 0x3f));
        }
    }
    // `message` is the descriptor of the value when it is a message, else null.
    void value(const gp::Descriptor *message, const std::string &path, int depth)
    {
        if (depth > 64)
            return problem("JSON nested too deeply");
        skipSpace();
        const char c = peek();
        if (c == '{')
            object(message, path, depth);
        else if (c == '[')
            return problem("unexpected array");
        else
            scalar();
    }
    void scalar()
    {
        skipSpace();
        if (peek() == '"') {
            string();
            return;
        }
        const size_t start = m_i;
        while (m_i < m_s.size() &&
               (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '+' || peek() == '.'))
            advance();
        if (start == m_i)
            problem("expected a value");
    }
    void object(const gp::Descriptor *message, const std::string &path, int depth)
    {
        advance(); // '{'
        skipSpace();
        if (peek() == '}') {
            advance();
            return;
        }
        while (m_i < m_s.size()) {
            skipSpace();
            const Position keyAt = here();
            const std::string key = string();
            if (!m_problems.empty())
                return;
            const gp::FieldDescriptor *field = nullptr;
            if (message) {
                field = message->FindFieldByName(key);
                for (int f = 0; !field && f < message->field_count(); ++f)
                    if (message->field(f)->json_name() == key)
                        field = message->field(f);
                if (!field) {
                    m_line = keyAt.line;
                    m_col = keyAt.column;
                    return problem("message type \"" + message->full_name() + "\" has no field named \"" + key + "\"");
                }
            }
            const std::string fieldPath = join(path, field ? field->name() : key);
            m_out[fieldPath] = keyAt;
            if (!expect(':'))
                return;
            const gp::Descriptor *sub = field && field->message_type() ? field->message_type() : nullptr;
            skipSpace();
            if (peek() == '[' && field && field->is_repeated()) {
                advance();
                int index = 0;
                skipSpace();
                while (peek() != ']' && m_i < m_s.size()) {
                    skipSpace();
                    m_out[fieldPath + "[" + std::to_string(index) + "]"] = here();
                    value(sub, fieldPath + "[" + std::to_string(index) + "]", depth + 1);
                    ++index;
                    skipSpace();
                    if (peek() == ',')
                        advance();
                    else if (peek() != ']')
                        return problem("expected ',' or ']'");
                }
                if (!expect(']'))
                    return;
            } else {
                value(sub, fieldPath, depth + 1);
            }
            skipSpace();
            if (peek() == ',') {
                advance();
                continue;
            }
            expect('}');
            return;
        }
        problem("unterminated object");
    }

    const std::string &m_s;
    LocationMap &m_out;
    size_t m_i = 0;
    int m_line = 1;
    int m_col = 1;
    std::vector<JsonProblem> m_problems;
};
} // namespace

namespace {
void collectAt(const gp::Message &message, const gp::TextFormat::ParseInfoTree &tree, LocationMap &out,
               const std::string &path)
{
    const gp::Descriptor *d = message.GetDescriptor();
    const gp::Reflection *r = message.GetReflection();
    for (int f = 0; f < d->field_count(); ++f) {
        const gp::FieldDescriptor *field = d->field(f);
        if (field->is_repeated()) {
            const int n = r->FieldSize(message, field);
            for (int i = 0; i < n; ++i) {
                const auto loc = tree.GetLocation(field, i);
                const std::string p = join(path, field->name()) + "[" + std::to_string(i) + "]";
                if (loc.line >= 0)
                    out[p] = Position{loc.line + 1, loc.column + 1};
                if (i == 0 && loc.line >= 0)
                    out[join(path, field->name())] = Position{loc.line + 1, loc.column + 1};
                if (field->message_type())
                    if (const auto *nested = tree.GetTreeForNested(field, i))
                        collectAt(r->GetRepeatedMessage(message, field, i), *nested, out, p);
            }
        } else {
            const auto loc = tree.GetLocation(field, -1);
            const std::string p = join(path, field->name());
            if (loc.line >= 0)
                out[p] = Position{loc.line + 1, loc.column + 1};
            if (field->message_type())
                if (const auto *nested = tree.GetTreeForNested(field, -1))
                    collectAt(r->GetMessage(message, field), *nested, out, p);
        }
    }
}

} // namespace

void collectTextLocations(const gp::Message &message, const gp::TextFormat::ParseInfoTree &tree, LocationMap &out)
{
    collectAt(message, tree, out, "");
}

std::vector<JsonProblem> collectJsonLocations(const std::string &text, const gp::Descriptor *root, LocationMap &out)
{
    return JsonScanner(text, out).run(root);
}

Position locate(const LocationMap &map, std::string path)
{
    while (!path.empty()) {
        if (auto it = map.find(path); it != map.end())
            return it->second;
        const auto cut = path.find_last_of(".[");
        path = cut == std::string::npos ? std::string() : path.substr(0, cut);
    }
    return Position{1, 1};
}

} // namespace hafront::config
