// The cluster config in the protobuf JSON mapping through
// config::loadClusterText: the key-position scanner (fieldlocations.cpp), the
// JSON parser and the validator. Beyond checkLoaded: the scanner that finds
// key positions must not refuse JSON that protobuf's own parser takes, as
// long as it is strict JSON (protobuf also takes trailing commas, which the
// scanner refuses on purpose); QJsonDocument is the strict referee.
#include "config/clustervalidator.h"
#include "configcheck.h"

#include <QJsonDocument>

#include <cctype>
#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    // Only what the loader takes for JSON (first non-space byte '{').
    const auto first = std::find_if(text.begin(), text.end(), [](char c) { return !std::isspace(uint8_t(c)); });
    if (first == text.end() || *first != '{')
        return 0;
    hafront::fuzz::checkLoaded(text);

    hafront::v1::Cluster parsed;
    if (!google::protobuf::util::JsonStringToMessage(text, &parsed).ok())
        return 0;
    QJsonParseError strict;
    QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), qsizetype(text.size())), &strict);
    if (strict.error != QJsonParseError::NoError)
        return 0;
    // Valid JSON for the schema: every error must be the validator's.
    hafront::config::ValidateOptions options;
    options.directoryExists = [](const std::string &path) {
        return std::filesystem::is_directory(
            path.empty() || path[0] == '/'
                ? path
                : (std::filesystem::path(hafront::fuzz::kBaseDir) / path).lexically_normal().string());
    };
    size_t semantic = 0;
    for (const auto &f : hafront::config::validateCluster(parsed, options))
        semantic += f.warning ? 0 : 1;
    const auto loaded = hafront::config::loadClusterText(text, "fuzz.conf", hafront::fuzz::kBaseDir);
    FUZZ_CHECK(loaded.errors.size() == semantic, "JSON that protobuf parses gets only the validator's errors");
    return 0;
}
