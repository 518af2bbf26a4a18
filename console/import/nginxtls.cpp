// TLS directives of nginx. TLS termination lands in a later build (listener
// tls { certificate { cert_file key_file } min_version alpn }); until then
// every one is reported here, and a listen with ssl is not carried.
#include "import/nginxplan.h"

namespace hafront::import {

bool isTlsDirective(const std::string &name)
{
    return name == "ssl" || name.rfind("ssl_", 0) == 0 || name == "http2" || name == "http3" ||
           name == "proxy_ssl" || name.rfind("proxy_ssl_", 0) == 0;
}

void reportTls(Report &report, const Directive &d)
{
    if (d.name.rfind("proxy_ssl", 0) == 0)
        return report.unsupported(d, "TLS to backends is not in this build");
    report.unsupported(d, "TLS termination is not in this build");
}

} // namespace hafront::import
