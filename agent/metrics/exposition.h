// Exposition: writes metric families in the Prometheus text format 0.0.4 —
// HELP and TYPE once per family, a family's samples together, label values
// and help text escaped. Pure: strings in, text out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hafront::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { Counter, Gauge, Histogram };

class Exposition {
public:
    static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Declares a family; its samples may then be added in any order and are
    // written together, families in declaration order; a family without
    // samples is left out. `name` is the family
    // name (counters end in _total; a histogram's name has no _bucket suffix).
    void family(const std::string &name, MetricType type, std::string_view help);
    // One sample of a declared family; `suffix` is "_bucket", "_count", ... for histograms.
    void sample(const std::string &name, const Labels &labels, double value, std::string_view suffix = {});
    void sample(const std::string &name, const Labels &labels, uint64_t value, std::string_view suffix = {});
    std::string text() const;

    static std::string escapeLabelValue(std::string_view value); // \\, \" and \n
    static std::string escapeHelp(std::string_view help);        // \\ and \n
    static std::string formatValue(double value);                // shortest exact; +Inf, -Inf, NaN
    static bool isValidName(std::string_view name);              // [a-zA-Z_:][a-zA-Z0-9_:]*

private:
    struct Family {
        std::string name;
        MetricType type;
        std::string help;
        std::string samples;
    };
    Family &find(const std::string &name);
    void append(const std::string &name, const Labels &labels, const std::string &value, std::string_view suffix);

    std::vector<Family> m_families;
};

} // namespace hafront::metrics
