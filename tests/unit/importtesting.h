// Helpers shared by the importer's tests: run an import on files held in
// memory, find report entries, and read a field of the cluster by path
// ("listener[0].route[1].pool") through protobuf reflection.
#pragma once

#include "import/importer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <QString>
#include <QStringList>

#include <optional>
#include <string>

namespace importtesting {

using namespace hafront::import;

// "LINE|kind|directive|text part": an entry of `file` (basename compared when
// `file` has no slash) at LINE of that kind and directive whose text holds the part.
inline bool hasEntry(const std::vector<ReportEntry> &report, const std::string &file, const QString &spec)
{
    const QStringList p = spec.split('|');
    if (p.size() < 3)
        return false;
    for (const auto &e : report) {
        const std::string base = file.find('/') == std::string::npos ? e.file.substr(e.file.rfind('/') + 1) : e.file;
        if ((file.empty() || base == file) && e.line == p[0].toInt() && kindName(e.kind) == p[1].toStdString() &&
            e.directive == p[2].toStdString() && (p.size() < 4 || e.text.find(p[3].toStdString()) != std::string::npos))
            return true;
    }
    return false;
}

inline std::string dump(const std::vector<ReportEntry> &report)
{
    std::string out;
    for (const auto &e : report)
        out += "  " + e.format() + "\n";
    return out;
}

// The value at `path` as text (strings bare, enums by name), nullopt if absent;
// "path?" says whether an optional field is "set" or "unset".
inline std::optional<std::string> field(const google::protobuf::Message &root, std::string path)
{
    const bool presence = !path.empty() && path.back() == '?';
    if (presence)
        path.pop_back();
    const google::protobuf::Message *m = &root;
    size_t pos = 0;
    while (pos <= path.size()) {
        const size_t dot = path.find('.', pos);
        std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        int index = -1;
        if (const auto br = part.find('['); br != std::string::npos) {
            index = std::stoi(part.substr(br + 1));
            part = part.substr(0, br);
        }
        const auto *f = m->GetDescriptor()->FindFieldByName(part);
        const auto *r = m->GetReflection();
        if (f && presence && dot == std::string::npos) {
            const bool set = !f->is_repeated() ? r->HasField(*m, f)
                             : index < 0       ? r->FieldSize(*m, f) > 0
                                               : index < r->FieldSize(*m, f);
            return std::string(set ? "set" : "unset");
        }
        if (!f || (f->is_repeated() && (index < 0 || index >= r->FieldSize(*m, f))))
            return std::nullopt;
        using FD = google::protobuf::FieldDescriptor;
        if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
            m = f->is_repeated() ? &r->GetRepeatedMessage(*m, f, index) : &r->GetMessage(*m, f);
            if (dot == std::string::npos)
                return m->ShortDebugString();
            pos = dot + 1;
            continue;
        }
        if (dot != std::string::npos)
            return std::nullopt;
        if (presence)
            return std::string(r->HasField(*m, f) ? "set" : "unset");
        const bool rep = f->is_repeated();
        switch (f->cpp_type()) {
        case FD::CPPTYPE_STRING:
            return rep ? r->GetRepeatedString(*m, f, index) : r->GetString(*m, f);
        case FD::CPPTYPE_UINT32:
            return std::to_string(rep ? r->GetRepeatedUInt32(*m, f, index) : r->GetUInt32(*m, f));
        case FD::CPPTYPE_UINT64:
            return std::to_string(rep ? r->GetRepeatedUInt64(*m, f, index) : r->GetUInt64(*m, f));
        case FD::CPPTYPE_INT32:
            return std::to_string(rep ? r->GetRepeatedInt32(*m, f, index) : r->GetInt32(*m, f));
        case FD::CPPTYPE_BOOL:
            return std::string((rep ? r->GetRepeatedBool(*m, f, index) : r->GetBool(*m, f)) ? "true" : "false");
        case FD::CPPTYPE_ENUM:
            return (rep ? r->GetRepeatedEnum(*m, f, index) : r->GetEnum(*m, f))->name();
        default:
            return std::nullopt;
        }
    }
    return std::nullopt;
}

} // namespace importtesting
