#include "ctl/importcli.h"

#include "config/configloader.h"
#include "import/importer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace hafront::ctl {
namespace {

const char *kImportUsage =
    "usage: hafrontctl import [--nginx FILE] [--nginx-prefix DIR] [--keepalived NODE=FILE]...\n"
    "                         [--node NODE=ADDRESS]... [--name NAME] [-o OUT] [--report-json FILE]\n"
    "                         [--skip-root-check]\n"
    "  writes one cluster config (protobuf text) to OUT or stdout; every directive that is not a plain\n"
    "  mapping is reported on stderr as FILE:LINE: approximated|unsupported: DIRECTIVE: ...\n"
    "  --nginx-prefix DIR   nginx's -p prefix, for relative root/alias paths (Debian: /usr/share/nginx)\n"
    "  --skip-root-check    do not require static roots to exist here (importing on another machine)\n"
    "exit codes: 0 written and valid, 1 no valid config could be written (why on stderr), 2 usage\n";

int usage(const std::string &why)
{
    std::cerr << "hafrontctl import: " << why << "\n" << kImportUsage;
    return 2;
}

bool splitPair(const std::string &v, import::NodeAddress &out)
{
    const auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
        return false;
    out = {v.substr(0, eq), v.substr(eq + 1)};
    return true;
}

// The disk, where static roots need not exist (--skip-root-check).
class AnyRootReader : public import::DiskReader {
public:
    bool isDirectory(const std::string &) const override { return true; }
};

bool writeFile(const std::string &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    return bool(out);
}

struct Options {
    import::ImportRequest request;
    std::string out, reportJson;
    bool skipRootCheck = false;
};

// Returns an empty string when the options are good, else why not.
std::string parse(const std::vector<std::string> &args, Options &o)
{
    namespace fs = std::filesystem;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--skip-root-check") {
            o.skipRootCheck = true;
            continue;
        }
        if (i + 1 >= args.size())
            return "unknown or incomplete option " + a;
        const std::string v = args[++i];
        import::NodeAddress pair;
        if (a == "--nginx")
            o.request.nginxFile = fs::absolute(v).lexically_normal().string();
        else if (a == "--nginx-prefix")
            o.request.nginxPrefix = fs::absolute(v).lexically_normal().string();
        else if (a == "--keepalived" && splitPair(v, pair))
            o.request.keepalivedFiles.push_back({pair.node, fs::absolute(pair.address).lexically_normal().string()});
        else if (a == "--node" && splitPair(v, pair))
            o.request.nodes.push_back(pair);
        else if (a == "--name")
            o.request.clusterName = v;
        else if (a == "-o" || a == "--output")
            o.out = v;
        else if (a == "--report-json")
            o.reportJson = v;
        else
            return "cannot read " + a + " " + v +
                   (a == "--keepalived" || a == "--node" ? " (expected NODE=VALUE)" : "");
    }
    if (o.request.nginxFile.empty() && o.request.keepalivedFiles.empty())
        return "nothing to import: give --nginx FILE and/or --keepalived NODE=FILE";
    return {};
}

} // namespace

int runImportCli(const std::vector<std::string> &args)
{
    Options o;
    for (const auto &a : args)
        if (a == "--help" || a == "-h")
            return std::cout << kImportUsage, 0;
    if (const auto why = parse(args, o); !why.empty())
        return usage(why);
    const import::DiskReader disk;
    const AnyRootReader anyRoot;
    const import::SourceReader &reader = o.skipRootCheck ? static_cast<const import::SourceReader &>(anyRoot) : disk;
    import::ImportResult result = import::runImport(o.request, reader);
    std::cerr << import::reportText(result.report);
    if (!o.reportJson.empty() && !writeFile(o.reportJson, import::reportJson(result.report))) {
        std::cerr << "hafrontctl import: cannot write " << o.reportJson << "\n";
        return 1;
    }
    if (result.ok() && !o.skipRootCheck) {
        // The check the agent itself makes (hafront-agent --check-config).
        const auto dir = o.out.empty() ? std::filesystem::current_path().string()
                                       : std::filesystem::absolute(o.out).parent_path().string();
        const auto loaded = config::loadClusterText(result.configText, o.out.empty() ? "<stdout>" : o.out, dir);
        // A TLS file not on this machine is in the report on its directive;
        // what follows from it (it cannot load, the names it covers are
        // unknown) waits for --check-config where the file is.
        std::vector<std::string> waiting;
        for (const auto &l : result.cluster.listener()) {
            bool missing = false;
            for (const auto &path : {l.tls().session_ticket_secret_file()})
                if (!path.empty() && !std::filesystem::exists(path))
                    waiting.push_back(path);
            for (const auto &c : l.tls().certificate())
                for (const auto &path : {c.cert_file(), c.key_file()})
                    if (!std::filesystem::exists(path))
                        waiting.push_back(path), missing = true;
            if (missing)
                waiting.push_back("no certificate of listener '" + l.name() + "' covers ");
        }
        for (const auto &e : loaded.errors) {
            const std::string text = e.format();
            if (std::none_of(waiting.begin(), waiting.end(),
                             [&](const std::string &w) { return text.find(w) != std::string::npos; }))
                result.problems.push_back(text);
        }
    }
    if (!result.ok()) {
        std::cerr << "hafrontctl import: no valid cluster config could be written:\n";
        for (const auto &p : result.problems)
            std::cerr << "  " << p << "\n";
        return 1;
    }
    if (o.out.empty())
        std::cout << result.configText;
    else if (!writeFile(o.out, result.configText)) {
        std::cerr << "hafrontctl import: cannot write " << o.out << "\n";
        return 1;
    }
    size_t counts[4] = {};
    for (const auto &e : result.report)
        ++counts[int(e.kind)];
    std::cerr << "hafrontctl import: " << (o.out.empty() ? "written to stdout" : "wrote " + o.out) << ": "
              << config::summarize(result.cluster) << "; " << counts[0] << " directives mapped, " << counts[1]
              << " approximated, " << counts[2] << " unsupported\n";
    return 0;
}

} // namespace hafront::ctl
