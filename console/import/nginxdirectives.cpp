// The verdict on every nginx directive that has no hafront field: worker and
// buffer tuning hafront decides itself, features it does not have (caching,
// compression, access rules, rewriting, FastCGI), and modules it cannot know.
#include "import/nginxplan.h"

#include <cctype>
#include <map>

namespace hafront::import {
namespace {

struct Verdict {
    Kind kind;
    const char *why;
};

const char *kTuning = "nginx tuning with no counterpart: hafront sizes its own workers, buffers and tables";
const char *kMime = "hafront uses its built-in MIME type table";

const std::map<std::string, Verdict> &table()
{
    static const std::map<std::string, Verdict> t = {
        {"user", {Kind::Approximated, "hafront-agent runs as its systemd unit's user"}},
        {"pid", {Kind::Approximated, "hafront-agent runs under systemd and writes no pid file"}},
        {"error_log", {Kind::Approximated, "hafront logs to stderr (the journal under systemd)"}},
        {"daemon", {Kind::Approximated, "hafront-agent runs in the foreground under systemd"}},
        {"master_process", {Kind::Approximated, "hafront-agent is one process with worker threads"}},
        {"worker_rlimit_nofile", {Kind::Approximated, "the systemd unit sets LimitNOFILE"}},
        {"worker_connections", {Kind::Approximated, kTuning}},
        {"multi_accept", {Kind::Approximated, kTuning}},
        {"accept_mutex", {Kind::Approximated, kTuning}},
        {"use", {Kind::Mapped, "hafront's workers use epoll"}},
        {"worker_cpu_affinity", {Kind::Approximated, kTuning}},
        {"worker_priority", {Kind::Approximated, kTuning}},
        {"worker_shutdown_timeout", {Kind::Approximated, "settings.drain_timeout_ms bounds a graceful stop (10 s)"}},
        {"timer_resolution", {Kind::Approximated, kTuning}},
        {"pcre_jit", {Kind::Approximated, kTuning}},
        {"thread_pool", {Kind::Approximated, kTuning}},
        {"env", {Kind::Approximated, "hafront takes no environment from its config"}},
        {"load_module", {Kind::Unsupported, "dynamic nginx modules are not in hafront"}},
        {"sendfile", {Kind::Mapped, "hafront sends static files with sendfile"}},
        {"tcp_nodelay", {Kind::Mapped, "hafront sets TCP_NODELAY itself"}},
        {"tcp_nopush", {Kind::Approximated, "hafront sends a response head and body in one send"}},
        {"aio", {Kind::Approximated, kTuning}},
        {"directio", {Kind::Approximated, kTuning}},
        {"types_hash_max_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"types_hash_bucket_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"server_names_hash_bucket_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"server_names_hash_max_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"variables_hash_max_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"variables_hash_bucket_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"proxy_headers_hash_max_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"proxy_headers_hash_bucket_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"map_hash_bucket_size", {Kind::Mapped, "hash table sizing: nothing to carry"}},
        {"types", {Kind::Approximated, kMime}},
        {"default_type", {Kind::Approximated, kMime}},
        {"charset", {Kind::Unsupported, "hafront does not add or convert charsets"}},
        {"server_tokens", {Kind::Unsupported, "hafront has no server_tokens setting"}},
        {"log_format",
         {Kind::Approximated, "hafront writes access logs as combined or JSON; this format is not carried"}},
        {"log_not_found", {Kind::Approximated, "hafront does not log missing files to an error log"}},
        {"error_page",
         {Kind::Unsupported, "custom error pages are not in hafront: it answers errors with its own "
                             "short text"}},
        {"add_header", {Kind::Unsupported, "hafront adds no configured response headers"}},
        {"more_set_headers", {Kind::Unsupported, "hafront adds no configured response headers (headers-more module)"}},
        {"expires", {Kind::Unsupported, "hafront sets no Expires/Cache-Control (it sends ETag and Last-Modified)"}},
        {"etag", {Kind::Approximated, "hafront always sends an ETag for static files"}},
        {"proxy_hide_header", {Kind::Unsupported, "hafront passes response headers as the backend sent them"}},
        {"proxy_pass_header", {Kind::Approximated, "hafront passes response headers as the backend sent them"}},
        {"proxy_ignore_headers", {Kind::Unsupported, "hafront has no response-header rules"}},
        {"proxy_redirect", {Kind::Unsupported, "hafront does not rewrite Location headers from backends"}},
        {"proxy_intercept_errors", {Kind::Unsupported, "hafront passes backend errors through"}},
        {"proxy_buffering", {Kind::Approximated, "hafront streams responses with its own buffers"}},
        {"proxy_request_buffering",
         {Kind::Approximated, "hafront reads bodies up to 64 KiB before forwarding, "
                              "larger ones stream"}},
        {"proxy_buffer_size", {Kind::Approximated, "hafront refuses a response head over 64 KiB with 502"}},
        {"proxy_buffers", {Kind::Approximated, kTuning}},
        {"proxy_busy_buffers_size", {Kind::Approximated, kTuning}},
        {"proxy_max_temp_file_size", {Kind::Approximated, "hafront writes no temporary files"}},
        {"proxy_temp_path", {Kind::Approximated, "hafront writes no temporary files"}},
        {"client_body_temp_path", {Kind::Approximated, "hafront writes no temporary files"}},
        {"client_body_buffer_size", {Kind::Approximated, kTuning}},
        {"client_header_buffer_size", {Kind::Approximated, kTuning}},
        {"output_buffers", {Kind::Approximated, kTuning}},
        {"client_header_timeout", {Kind::Approximated, "hafront's header_timeout_ms applies (default 10 s)"}},
        {"client_body_timeout", {Kind::Approximated, "hafront's listener timeouts apply"}},
        {"send_timeout", {Kind::Approximated, "hafront's listener timeouts apply"}},
        {"keepalive_requests", {Kind::Approximated, "hafront has no per-connection request limit"}},
        {"reset_timedout_connection", {Kind::Approximated, kTuning}},
        {"lingering_close", {Kind::Approximated, kTuning}},
        {"lingering_timeout", {Kind::Approximated, kTuning}},
        {"underscores_in_headers", {Kind::Approximated, "hafront passes header names with underscores"}},
        {"ignore_invalid_headers", {Kind::Approximated, "hafront refuses malformed heads with 400"}},
        {"merge_slashes", {Kind::Approximated, "hafront matches routes on the path as sent"}},
        {"absolute_redirect", {Kind::Approximated, "hafront's redirects carry the Location as written"}},
        {"port_in_redirect", {Kind::Approximated, "hafront's redirects carry the Location as written"}},
        {"server_name_in_redirect", {Kind::Approximated, "hafront's redirects carry the Location as written"}},
        {"resolver", {Kind::Unsupported, "hafront does not resolve host names"}},
        {"resolver_timeout", {Kind::Unsupported, "hafront does not resolve host names"}},
        {"allow", {Kind::Unsupported, "access rules are not in hafront: these requests are served, not refused"}},
        {"deny", {Kind::Unsupported, "access rules are not in hafront: these requests are served, not refused"}},
        {"auth_basic", {Kind::Unsupported, "authentication is not in hafront: these requests are served"}},
        {"auth_basic_user_file", {Kind::Unsupported, "authentication is not in hafront"}},
        {"auth_request", {Kind::Unsupported, "authentication is not in hafront: these requests are served"}},
        {"satisfy", {Kind::Unsupported, "access rules are not in hafront"}},
        {"if", {Kind::Unsupported, "conditions are not in hafront: nothing inside this if is carried"}},
        {"set", {Kind::Unsupported, "variables are not in hafront"}},
        {"map", {Kind::Unsupported, "variables are not in hafront (map)"}},
        {"geo", {Kind::Unsupported, "variables are not in hafront (geo)"}},
        {"split_clients", {Kind::Unsupported, "variables are not in hafront (split_clients)"}},
        {"real_ip_header", {Kind::Unsupported, "hafront takes the client address from the connection"}},
        {"set_real_ip_from", {Kind::Unsupported, "hafront takes the client address from the connection"}},
        {"real_ip_recursive", {Kind::Unsupported, "hafront takes the client address from the connection"}},
        {"autoindex", {Kind::Unsupported, "directory listings are not in hafront"}},
        {"ssi", {Kind::Unsupported, "server-side includes are not in hafront"}},
        {"sub_filter", {Kind::Unsupported, "response rewriting is not in hafront"}},
        {"internal", {Kind::Unsupported, "internal locations are not in hafront: the route answers clients too"}},
        {"limit_except", {Kind::Unsupported, "method rules are not in hafront: every method is served"}},
        {"open_file_cache", {Kind::Approximated, kTuning}},
        {"open_log_file_cache", {Kind::Approximated, kTuning}},
        {"mail", {Kind::Unsupported, "the mail proxy is not in hafront"}},
        {"health_check", {Kind::Unsupported, "NGINX Plus health checks: add a health { } block to the pool"}},
        {"status_zone", {Kind::Approximated, "hafront reports per-backend status and /metrics on its own"}},
        {"fastcgi_param", {Kind::Unsupported, "FastCGI is not in hafront"}},
        {"proxy_responses", {Kind::Unsupported, "UDP is not in hafront"}},
        {"preread_buffer_size", {Kind::Approximated, kTuning}},
        {"proxy_protocol", {Kind::Unsupported, "the PROXY protocol is not in hafront"}},
        {"fastcgi_index", {Kind::Unsupported, "FastCGI is not in hafront"}},
        {"fastcgi_split_path_info", {Kind::Unsupported, "FastCGI is not in hafront"}},
        {"uwsgi_param", {Kind::Unsupported, "uwsgi is not in hafront"}},
        {"scgi_param", {Kind::Unsupported, "SCGI is not in hafront"}},
    };
    return t;
}

bool startsWith(const std::string &s, const char *p)
{
    return s.rfind(p, 0) == 0;
}

} // namespace

void classifyOther(Report &report, const Directive &d, const char *)
{
    if (const auto it = table().find(d.name); it != table().end()) {
        std::string why = it->second.why;
        if (d.isBlock && !d.children.empty() && it->second.kind == Kind::Unsupported)
            why += "; its " + std::to_string(d.children.size()) + " directive(s) are not carried";
        if (d.name == "sendfile" && d.argText() == "off")
            return report.approximated(d, "hafront always sends static files with sendfile");
        if (d.name == "allow" && d.argText() == "all")
            return report.mapped(d, "every client is served, as without access rules");
        if (d.name == "proxy_redirect" && d.argText() == "off")
            return report.mapped(d, "hafront does not rewrite Location headers either");
        return report.add({d.file, d.line, d.name, it->second.kind, why, {}});
    }
    const std::string &n = d.name;
    if (startsWith(n, "gzip") || startsWith(n, "brotli") || startsWith(n, "zstd"))
        return report.unsupported(d, "compression is not in hafront (yet): responses go out as the backend or "
                                     "file has them");
    if (startsWith(n, "proxy_cache") || startsWith(n, "fastcgi_cache") || startsWith(n, "uwsgi_cache") ||
        startsWith(n, "proxy_store"))
        return report.unsupported(d, "caching is not in hafront (yet)");
    if (startsWith(n, "limit_req") || startsWith(n, "limit_conn") || startsWith(n, "limit_rate"))
        return report.unsupported(d, "rate and connection limits are not in hafront");
    if (startsWith(n, "fastcgi_") || startsWith(n, "uwsgi_") || startsWith(n, "scgi_") || startsWith(n, "grpc_"))
        return report.unsupported(d, "FastCGI, uwsgi, SCGI and gRPC are not in hafront");
    if (startsWith(n, "proxy_cookie_") || startsWith(n, "sub_filter") || startsWith(n, "proxy_set_body"))
        return report.unsupported(d, "request and response rewriting is not in hafront");
    if (startsWith(n, "geoip") || startsWith(n, "map_hash"))
        return report.unsupported(d, "variables are not in hafront");
    if (startsWith(n, "lua_") || n.find("_by_lua") != std::string::npos || startsWith(n, "js_") ||
        startsWith(n, "perl") || startsWith(n, "more_") || startsWith(n, "vhost_traffic") ||
        startsWith(n, "modsecurity") || startsWith(n, "pagespeed"))
        return report.unsupported(d, "a third-party module's directive: not in hafront");
    report.unsupported(d, "not a directive hafront knows (a third-party module, or a typo?)" +
                              placeholderNote(d.name + " " + d.argText()));
}

// Template and sample-config markers: {{ }}, ${ }, <% %>, <VALUE>,
// YOUR_..., CHANGEME, __NAME__, XXX, 192.168.1.x. Hand-written, not
// std::regex, whose recursion a long fuzzed line can exhaust.
bool hasPlaceholder(const std::string &t)
{
    for (const char *marker : {"{{", "${", "<%", "YOUR_", "CHANGEME", "CHANGE_ME", "XXX"})
        if (t.find(marker) != std::string::npos)
            return true;
    const auto isWord = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '<' && i + 1 < t.size() &&
            (std::isalpha(static_cast<unsigned char>(t[i + 1])) || t[i + 1] == '_')) {
            size_t j = i + 1;
            while (j < t.size() && (isWord(t[j]) || t[j] == ' ' || t[j] == '-'))
                ++j;
            if (j < t.size() && t[j] == '>')
                return true;
        }
        if (t.compare(i, 2, "__") == 0 && i + 2 < t.size() && std::isupper(static_cast<unsigned char>(t[i + 2]))) {
            const size_t close = t.find("__", i + 2);
            if (close != std::string::npos && close > i + 2)
                return true;
        }
        if (t[i] == '.' && i + 1 < t.size() && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
            (i + 2 == t.size() || t[i + 2] == ':' || t[i + 2] == '/'))
            return true;
    }
    return false;
}

std::string placeholderNote(const std::string &text)
{
    return hasPlaceholder(text) ? " ('" + text + "' holds a template placeholder: fill it in first)" : "";
}

} // namespace hafront::import
