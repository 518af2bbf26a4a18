#include "import/importer.h"

#include "import/keepalivedmodel.h"
#include "import/keepalivedparser.h"
#include "import/nginxmapper.h"
#include "import/nginxparser.h"

#include "config/clustervalidator.h"
#include "tls/certificateinfo.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

namespace hafront::import {
namespace {

void validate(ImportResult &result, const SourceReader &reader)
{
    config::ValidateOptions options;
    options.directoryExists = [&](const std::string &path) { return reader.isDirectory(path); };
    // A certificate or CA file this machine does not have is reported on its
    // directive (nginxtls.cpp); the validator checks the rest once the files
    // are there.
    options.loadCertificate = [&](const std::string &cert, const std::string &key) -> Result<tls::CertificateInfo> {
        if (!reader.read(cert) || !reader.read(key))
            return tls::CertificateInfo{};
        return tls::loadCertificate(cert, key);
    };
    options.loadCaBundle = [&](const std::string &file) -> Result<int> {
        if (!reader.read(file))
            return 1;
        return tls::loadCaBundle(file);
    };
    options.loadTicketSecret = [&](const std::string &file) -> Result<std::string> {
        if (!reader.read(file))
            return std::string(32, '\0');
        return tls::loadTicketSecret(file);
    };
    // Which host names a certificate covers is known only from its file: on
    // a listener with a file missing here, that check waits for --check-config.
    std::vector<std::string> unchecked;
    for (const auto &l : result.cluster.listener())
        for (const auto &c : l.tls().certificate())
            if (!reader.read(c.cert_file()) || !reader.read(c.key_file()))
                unchecked.push_back("no certificate of listener '" + l.name() + "' covers ");
    const auto waits = [&](const config::Finding &f) {
        return std::any_of(unchecked.begin(), unchecked.end(),
                           [&](const std::string &u) { return f.message.rfind(u, 0) == 0; });
    };
    for (const auto &f : config::validateCluster(result.cluster, options))
        if (!f.warning && !waits(f))
            result.problems.push_back(f.path + ": " + f.message);
    // The written text must read back as the same cluster.
    v1::Cluster back;
    if (!google::protobuf::TextFormat::ParseFromString(result.configText, &back) ||
        !google::protobuf::util::MessageDifferencer::Equals(back, result.cluster))
        result.problems.push_back("the written config does not read back as the imported cluster");
}

// Why a node has no address, in words the operator can act on.
void explainAddresses(ImportResult &result)
{
    for (const auto &n : result.cluster.node())
        if (n.address().empty())
            result.problems.push_back("node '" + n.name() +
                                      "' has no address: its keepalived file names no "
                                      "unicast_src_ip and interface addresses cannot be read from a config file; "
                                      "give --node " +
                                      n.name() + "=A.B.C.D");
    if (result.cluster.node_size() == 0)
        result.problems.push_back("no node: give --keepalived NODE=FILE or --node NODE=ADDRESS");
}

} // namespace

ImportResult runImport(const ImportRequest &request, const SourceReader &reader)
{
    ImportResult result;
    Report report;
    result.cluster.set_name(request.clusterName);
    std::vector<NodeModel> models;
    std::vector<KeepalivedTree> trees; // the models point into these
    trees.reserve(request.keepalivedFiles.size());
    for (const auto &k : request.keepalivedFiles) {
        trees.push_back(parseKeepalived(k.address, reader, report));
        if (!trees.back().ok)
            result.problems.push_back(k.address + ": not imported: it does not parse (see the error lines)");
    }
    for (size_t i = 0; i < trees.size(); ++i)
        if (trees[i].ok)
            models.push_back(readNode(request.keepalivedFiles[i].node, request.keepalivedFiles[i].address,
                                      trees[i].directives, report));
    mergeNodes(models, request.nodes, result.cluster, report, result.spans);
    for (const auto &t : trees)
        accountForAll(t.directives, report, "not carried: the importer has no rule for it in this place");
    if (!request.nginxFile.empty()) {
        const NginxTree tree = parseNginx(request.nginxFile, reader, report);
        if (tree.ok) {
            NginxOptions options{request.nginxPrefix, dirName(request.nginxFile),
                                 [&](const std::string &path) { return bool(reader.read(path)); }};
            mapNginx(tree.directives, options, result.cluster, report, result.spans);
        } else
            result.problems.push_back(request.nginxFile +
                                      ": not imported: nginx would refuse it (see the error lines)");
    }
    result.report = std::move(report.entries());
    explainAddresses(result);
    result.configText = commentedConfig(result, request);
    if (result.ok())
        validate(result, reader);
    return result;
}

} // namespace hafront::import
