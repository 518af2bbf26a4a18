// The head of one HTTP/1 message as parsed: method or status reason, target,
// header fields in order. Buffers are kept between messages (clear() keeps the
// strings' capacity), so a connection that carries request after request
// allocates nothing for its heads once warm.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hafront::http {

class HeaderList {
public:
    using Field = std::pair<std::string, std::string>;
    using const_iterator = std::vector<Field>::const_iterator;

    Field &emplace_back()
    {
        if (m_used == m_fields.size()) {
            if (m_fields.empty())
                m_fields.reserve(16); // one allocation for a usual head, not one per doubling
            m_fields.emplace_back();
        }
        Field &f = m_fields[m_used++];
        f.first.clear();
        f.second.clear();
        return f;
    }
    Field &back() { return m_fields[m_used - 1]; }
    bool empty() const { return m_used == 0; }
    size_t size() const { return m_used; }
    void clear() { m_used = 0; }
    const_iterator begin() const { return m_fields.begin(); }
    const_iterator end() const { return m_fields.begin() + static_cast<std::ptrdiff_t>(m_used); }

private:
    std::vector<Field> m_fields;
    size_t m_used = 0;
};

struct ParsedHead {
    std::string method, url, reason;
    HeaderList headers;
    bool inValue = false; // the parser is inside a field value (llhttp splits names and values)
    size_t bytes = 0;
    void clear()
    {
        method.clear();
        url.clear();
        reason.clear();
        headers.clear();
        inValue = false;
        bytes = 0;
    }
    const std::string *find(std::string_view lowerName) const;
    int count(std::string_view lowerName) const;
};

} // namespace hafront::http
