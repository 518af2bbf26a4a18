// What the config fuzz targets check about any loadClusterText result: every
// diagnostic points into the text, and an accepted config, printed again in
// either format, is accepted again (the operator can convert a file).
#pragma once

#include "config/configloader.h"
#include "fuzzcheck.h"

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>

namespace hafront::fuzz {

// Invalid UTF-8 in a string field is refused; protobuf would also log it once per input.
inline const bool kProtobufQuiet = (google::protobuf::SetLogHandler(nullptr), true);

// No folder of that name: static roots that are not absolute fail the same way every run.
inline constexpr const char *kBaseDir = "/nonexistent-hafront-fuzz";

inline void checkDiagnostics(const std::string &text, const config::LoadResult &r)
{
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const auto *list : {&r.errors, &r.warnings})
        for (const auto &d : *list) {
            FUZZ_CHECK(d.line >= 1 && d.line <= lines, "a diagnostic's line is in the text");
            FUZZ_CHECK(d.column >= 1, "a diagnostic's column is 1-based");
            FUZZ_CHECK(!d.message.empty(), "a diagnostic says something");
            FUZZ_CHECK(d.format().rfind("fuzz.conf:", 0) == 0, "a diagnostic names the file");
        }
}

inline void checkLoaded(const std::string &text)
{
    const config::LoadResult r = config::loadClusterText(text, "fuzz.conf", kBaseDir);
    checkDiagnostics(text, r);
    if (!r.ok())
        return;
    FUZZ_CHECK(!config::summarize(r.cluster).empty(), "an accepted config has a summary");

    std::string printed;
    FUZZ_CHECK(google::protobuf::TextFormat::PrintToString(r.cluster, &printed), "an accepted config prints");
    const auto asText = config::loadClusterText(printed, "fuzz.conf", kBaseDir);
    FUZZ_CHECK(asText.ok(), "an accepted config, printed as text, is accepted");

    std::string json;
    FUZZ_CHECK(google::protobuf::util::MessageToJsonString(r.cluster, &json).ok(), "an accepted config is JSON");
    const auto asJson = config::loadClusterText(json, "fuzz.conf", kBaseDir);
    FUZZ_CHECK(asJson.ok(), "an accepted config, printed as JSON, is accepted");
    FUZZ_CHECK(asJson.cluster.SerializeAsString() == asText.cluster.SerializeAsString(),
               "text and JSON give the same cluster");
}

} // namespace hafront::fuzz
