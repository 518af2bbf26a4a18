// The imported cluster as protobuf text: a header naming the sources and
// the counts, and above each element the report lines of the blocks it came
// from, so the file itself says what it approximates or leaves out.
#include "import/importer.h"

#include <google/protobuf/text_format.h>

#include <set>

namespace hafront::import {
namespace {

constexpr size_t kMaxCommentLines = 40;

std::string oneLine(std::string s)
{
    // A comment ends at the line's end, and the text parser refuses control
    // characters even in comments: a file's stray bytes must not break the output.
    for (auto &c : s)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
            c = c == '\n' || c == '\r' ? ' ' : '?';
    return s;
}

std::vector<std::string> commentsFor(const ImportResult &result, const std::string &key)
{
    const auto spans = result.spans.find(key);
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto &e : result.report) {
        if (e.kind == Kind::Mapped || e.kind == Kind::Error)
            continue;
        bool inside = e.target == key;
        if (!inside && spans != result.spans.end())
            for (const auto &s : spans->second)
                inside |= s.file == e.file && e.line >= s.first && e.line <= s.last;
        if (inside && seen.insert(e.format()).second)
            out.push_back(oneLine(e.format()));
    }
    return out;
}

void element(std::string &out, const char *field, const google::protobuf::Message &m, const std::string &key,
             const ImportResult &result, const std::string &defaults)
{
    const auto comments = commentsFor(result, key);
    out += "\n";
    if (!defaults.empty())
        out += "# " + defaults + "\n";
    for (size_t i = 0; i < comments.size() && i < kMaxCommentLines; ++i)
        out += "# " + comments[i] + "\n";
    if (comments.size() > kMaxCommentLines)
        out += "# ... and " + std::to_string(comments.size() - kMaxCommentLines) + " more in the report\n";
    google::protobuf::TextFormat::Printer printer;
    printer.SetInitialIndentLevel(1);
    std::string body;
    printer.PrintToString(m, &body);
    out += std::string(field) + " {\n" + body + "}\n";
}

} // namespace

std::string commentedConfig(const ImportResult &result, const ImportRequest &request)
{
    size_t counts[4] = {};
    for (const auto &e : result.report)
        ++counts[int(e.kind)];
    std::string out = "# hafront cluster config written by hafrontctl import from\n";
    if (!request.nginxFile.empty())
        out += "#   nginx: " + oneLine(request.nginxFile) + "\n";
    for (const auto &k : request.keepalivedFiles)
        out += "#   keepalived (" + oneLine(k.node) + "): " + oneLine(k.address) + "\n";
    out += "# " + std::to_string(counts[int(Kind::Mapped)]) + " directives mapped, " +
           std::to_string(counts[int(Kind::Approximated)]) + " approximated, " +
           std::to_string(counts[int(Kind::Unsupported)]) +
           " unsupported: the report lists every one, and each\n"
           "# element below quotes the lines of the blocks it came from. Check it with: hafrontctl check-config FILE\n";
    const auto &c = result.cluster;
    v1::Cluster nameOnly; // printed by protobuf, so any name is escaped right
    nameOnly.set_name(c.name());
    std::string name;
    google::protobuf::TextFormat::PrintToString(nameOnly, &name);
    out += "\n" + name;
    if (c.has_settings()) {
        google::protobuf::TextFormat::Printer printer;
        printer.SetSingleLineMode(true);
        std::string s;
        printer.PrintToString(c.settings(), &s);
        out += "settings { " + s + "}\n";
    }
    for (const auto &n : c.node())
        element(out, "node", n, "node:" + n.name(), result, "");
    for (const auto &v : c.vip())
        element(out, "vip", v, "vip:" + v.name(), result, "");
    const std::string poolDefaults = "nginx's defaults written out: 60 s timeouts, each server tried once, "
                                     "max_fails 1 in fail_timeout 10s (off for one server); no active health check "
                                     "(nginx has none)";
    for (const auto &p : c.pool())
        element(out, "pool", p, "pool:" + p.name(), result, request.nginxFile.empty() ? "" : poolDefaults);
    const std::string listenerDefaults = "nginx's defaults where not set: client_max_body_size 1m, "
                                         "large_client_header_buffers 4 8k, keepalive_timeout 75s; header_timeout_ms "
                                         "is hafront's 10 s (nginx's client_header_timeout is 60 s)";
    for (const auto &l : c.listener())
        element(out, "listener", l, "listener:" + l.name(), result,
                l.protocol() == v1::HTTP ? listenerDefaults : std::string());
    return out;
}

} // namespace hafront::import
