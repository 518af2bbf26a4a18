// Maps field paths ("vip[0].priority[1].value") to where they stand in the
// config text, for both protobuf text format and JSON.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <map>
#include <string>
#include <vector>

namespace hafront::config {

struct Position {
    int line = 1;   // 1-based
    int column = 1; // 1-based
};

using LocationMap = std::map<std::string, Position>;

struct JsonProblem {
    Position position;
    std::string message;
};

// Walks a text-format parse tree alongside the parsed message.
void collectTextLocations(const google::protobuf::Message &message,
                          const google::protobuf::TextFormat::ParseInfoTree &tree, LocationMap &out);

// Scans JSON text for key positions and checks keys against the descriptor;
// syntax errors and unknown fields come back as problems with positions.
std::vector<JsonProblem> collectJsonLocations(const std::string &text, const google::protobuf::Descriptor *root,
                                              LocationMap &out);

// The position of a path, or of its nearest ancestor that has one.
Position locate(const LocationMap &map, std::string path);

} // namespace hafront::config
