#include "config/configloader.h"

#include "config/clustervalidator.h"
#include "config/fieldlocations.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

namespace hafront::config {
namespace gp = google::protobuf;
namespace fs = std::filesystem;

namespace {

class CollectErrors : public gp::io::ErrorCollector {
public:
    CollectErrors(const std::string &file, std::vector<Diagnostic> &errors, std::vector<Diagnostic> &warnings)
        : m_file(file), m_errors(errors), m_warnings(warnings)
    {
    }
    void AddError(int line, gp::io::ColumnNumber column, const std::string &message) override
    {
        m_errors.push_back({m_file, line + 1, column + 1, message, false});
    }
    void AddWarning(int line, gp::io::ColumnNumber column, const std::string &message) override
    {
        m_warnings.push_back({m_file, line + 1, column + 1, message, true});
    }

private:
    std::string m_file;
    std::vector<Diagnostic> &m_errors;
    std::vector<Diagnostic> &m_warnings;
};

// protobuf's text parser reports a bad field name or enum value at the token
// after it; point at the name itself, which is what the operator must fix.
void pointAtQuotedName(const std::string &text, Diagnostic &d)
{
    std::vector<std::string> quoted;
    for (size_t open = d.message.find('"'); open != std::string::npos;) {
        const size_t close = d.message.find('"', open + 1);
        if (close == std::string::npos)
            break;
        quoted.push_back(d.message.substr(open + 1, close - open - 1));
        open = d.message.find('"', close + 1);
    }
    std::string name;
    if (d.message.find("no field named") != std::string::npos && !quoted.empty())
        name = quoted.back();
    else if (d.message.find("Unknown enumeration value") != std::string::npos && !quoted.empty())
        name = quoted.front();
    if (name.empty())
        return;
    // Offset of the reported position.
    size_t offset = 0;
    for (int line = 1; line < d.line && offset < text.size(); ++offset)
        if (text[offset] == '\n')
            ++line;
    offset = std::min(text.size(), offset + static_cast<size_t>(d.column - 1));
    const auto found = text.rfind(name, offset);
    if (found == std::string::npos || offset - found > 256)
        return;
    d.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(found), '\n'));
    const auto lineStart = text.rfind('\n', found);
    d.column = static_cast<int>(found - (lineStart == std::string::npos ? 0 : lineStart + 1)) + 1;
}

bool looksLikeJson(const std::string &text)
{
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)))
            continue;
        return c == '{';
    }
    return false;
}

std::string resolve(const std::string &baseDir, const std::string &path)
{
    if (path.empty() || path[0] == '/' || baseDir.empty())
        return path;
    return (fs::path(baseDir) / path).lexically_normal().string();
}

std::string plural(size_t n, const char *one, const char *many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

std::string Diagnostic::format() const
{
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + (warning ? "warning: " : "") +
           message;
}

LoadResult loadClusterText(const std::string &text, const std::string &fileName, const std::string &baseDir)
{
    LoadResult result;
    LocationMap locations;
    if (looksLikeJson(text)) {
        for (const auto &p : collectJsonLocations(text, v1::Cluster::descriptor(), locations))
            result.errors.push_back({fileName, p.position.line, p.position.column, p.message, false});
        if (!result.ok())
            return result;
        gp::util::JsonParseOptions options;
        const auto status = gp::util::JsonStringToMessage(text, &result.cluster, options);
        if (!status.ok()) {
            result.errors.push_back({fileName, 1, 1, std::string(status.message()), false});
            return result;
        }
    } else {
        CollectErrors collector(fileName, result.errors, result.warnings);
        gp::TextFormat::Parser parser;
        gp::TextFormat::ParseInfoTree tree;
        parser.RecordErrorsTo(&collector);
        parser.WriteLocationsTo(&tree);
        if (!parser.ParseFromString(text, &result.cluster) || !result.ok()) {
            if (result.errors.empty())
                result.errors.push_back({fileName, 1, 1, "cannot parse the config", false});
            for (auto &e : result.errors)
                pointAtQuotedName(text, e);
            return result;
        }
        collectTextLocations(result.cluster, tree, locations);
    }

    ValidateOptions options;
    options.directoryExists = [&](const std::string &path) { return fs::is_directory(resolve(baseDir, path)); };
    options.loadCertificate = [&](const std::string &cert, const std::string &key) {
        return tls::loadCertificate(resolve(baseDir, cert), resolve(baseDir, key));
    };
    options.loadTicketSecret = [&](const std::string &file) { return tls::loadTicketSecret(resolve(baseDir, file)); };
    options.loadCaBundle = [&](const std::string &file) { return tls::loadCaBundle(resolve(baseDir, file)); };
    for (const auto &finding : validateCluster(result.cluster, options)) {
        const Position pos = locate(locations, finding.path);
        auto &list = finding.warning ? result.warnings : result.errors;
        list.push_back({fileName, pos.line, pos.column, finding.message, finding.warning});
    }
    // In file order, the way a compiler reports.
    const auto byPosition = [](const Diagnostic &a, const Diagnostic &b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    };
    std::stable_sort(result.errors.begin(), result.errors.end(), byPosition);
    std::stable_sort(result.warnings.begin(), result.warnings.end(), byPosition);
    for (auto &pool : *result.cluster.mutable_pool()) {
        if (!pool.has_tls())
            continue;
        auto &tls = *pool.mutable_tls();
        for (std::string *file : {tls.mutable_ca_file(), tls.mutable_cert_file(), tls.mutable_key_file()})
            if (!file->empty())
                *file = resolve(baseDir, *file);
    }
    for (auto &listener : *result.cluster.mutable_listener()) {
        for (auto &route : *listener.mutable_route())
            if (!route.static_root().empty())
                route.set_static_root(resolve(baseDir, route.static_root()));
        if (!listener.has_tls())
            continue;
        for (auto &c : *listener.mutable_tls()->mutable_certificate()) { // TLS files too, like static roots
            c.set_cert_file(resolve(baseDir, c.cert_file()));
            c.set_key_file(resolve(baseDir, c.key_file()));
        }
        if (!listener.tls().session_ticket_secret_file().empty())
            listener.mutable_tls()->set_session_ticket_secret_file(
                resolve(baseDir, listener.tls().session_ticket_secret_file()));
    }
    return result;
}

LoadResult loadClusterFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadResult result;
        result.errors.push_back({path, 1, 1, "cannot open: " + std::string(std::strerror(errno)), false});
        return result;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const auto dir = fs::absolute(fs::path(path)).parent_path().string();
    return loadClusterText(buffer.str(), path, dir);
}

std::string summarize(const v1::Cluster &cluster)
{
    size_t backends = 0;
    for (const auto &pool : cluster.pool())
        backends += pool.backend_size();
    return plural(cluster.node_size(), "node", "nodes") + ", " + plural(cluster.vip_size(), "VIP", "VIPs") + ", " +
           plural(cluster.pool_size(), "pool", "pools") + ", " + plural(backends, "backend", "backends") + ", " +
           plural(cluster.listener_size(), "listener", "listeners");
}

} // namespace hafront::config
