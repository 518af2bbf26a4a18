#include "metrics/exposition.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace hafront::metrics {

namespace {
const char *typeName(MetricType type)
{
    switch (type) {
    case MetricType::Counter:
        return "counter";
    case MetricType::Gauge:
        return "gauge";
    case MetricType::Histogram:
        return "histogram";
    }
    return "untyped";
}
} // namespace

void Exposition::family(const std::string &name, MetricType type, std::string_view help)
{
    assert(isValidName(name));
    for (const auto &f : m_families)
        if (f.name == name)
            return;
    m_families.push_back({name, type, std::string(help), {}});
}

Exposition::Family &Exposition::find(const std::string &name)
{
    for (auto &f : m_families)
        if (f.name == name)
            return f;
    // A sample of an undeclared family is a programming error; keep the
    // output valid anyway rather than emitting an untyped stray line.
    assert(false && "sample of an undeclared metric family");
    m_families.push_back({name, MetricType::Gauge, "undeclared", {}});
    return m_families.back();
}

void Exposition::sample(const std::string &name, const Labels &labels, double value, std::string_view suffix)
{
    append(name, labels, formatValue(value), suffix);
}

void Exposition::sample(const std::string &name, const Labels &labels, uint64_t value, std::string_view suffix)
{
    append(name, labels, std::to_string(value), suffix);
}

void Exposition::append(const std::string &name, const Labels &labels, const std::string &value,
                        std::string_view suffix)
{
    std::string &out = find(name).samples;
    out += name;
    out += suffix;
    if (!labels.empty()) {
        out += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            assert(isValidName(labels[i].first) && labels[i].first.find(':') == std::string::npos);
            if (i)
                out += ',';
            out += labels[i].first;
            out += "=\"";
            out += escapeLabelValue(labels[i].second);
            out += '"';
        }
        out += '}';
    }
    out += ' ';
    out += value;
    out += '\n';
}

std::string Exposition::text() const
{
    std::string out;
    for (const auto &f : m_families) {
        if (f.samples.empty()) // e.g. VIP families on a node without VIPs
            continue;
        out += "# HELP " + f.name + " " + escapeHelp(f.help) + "\n";
        out += "# TYPE " + f.name + " " + typeName(f.type) + "\n";
        out += f.samples;
    }
    return out;
}

std::string Exposition::escapeLabelValue(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string Exposition::escapeHelp(std::string_view help)
{
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string Exposition::formatValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (std::floor(value) == value && std::fabs(value) < 1e15) // "1700000000", not "1.7e+09"
        return std::to_string(static_cast<int64_t>(value));
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, result.ptr);
}

bool Exposition::isValidName(std::string_view name)
{
    if (name.empty())
        return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

} // namespace hafront::metrics
