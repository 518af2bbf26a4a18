# What each fuzz target needs besides hafront_common (see CMakeLists.txt).
# One line per target that needs more; targets not named here need nothing.
hafront_fuzz_uses(statefile SOURCES agent/control/statefile.cpp)
hafront_fuzz_uses(scraperequest SOURCES agent/metrics/scraperequest.cpp)
hafront_fuzz_uses(probeurl SOURCES console/drill/prober.cpp)
hafront_fuzz_uses(configjson LIBS Qt6::Core)   # QJsonDocument: a strict JSON referee
hafront_fuzz_uses(import SOURCES console/import/clustertext.cpp console/import/importer.cpp console/import/keepalivedmodel.cpp console/import/keepalivedparser.cpp console/import/nginxdirectives.cpp console/import/nginxheaders.cpp console/import/nginxlisteners.cpp console/import/nginxmapper.cpp console/import/nginxparser.cpp console/import/nginxscope.cpp console/import/nginxserver.cpp console/import/nginxtls.cpp console/import/nginxupstream.cpp console/import/report.cpp console/import/sourcereader.cpp console/import/units.cpp console/import/vipmerger.cpp )
hafront_fuzz_uses(http1session LIBS PkgConfig::LIBNGHTTP2 OpenSSL::SSL OpenSSL::Crypto SOURCES agent/proxy/http1session.cpp agent/proxy/http2session.cpp agent/proxy/exchange.cpp agent/proxy/transport.cpp agent/proxy/upstreamconnection.cpp agent/proxy/staticfile.cpp agent/proxy/poolview.cpp agent/proxy/backendruntime.cpp agent/proxy/accesslog.cpp agent/proxy/tlstransport.cpp agent/proxy/tlscontext.cpp agent/proxy/tlsclientcontext.cpp)
hafront_fuzz_uses(http2session LIBS PkgConfig::LIBNGHTTP2 OpenSSL::SSL OpenSSL::Crypto SOURCES agent/proxy/http1session.cpp agent/proxy/http2session.cpp agent/proxy/exchange.cpp agent/proxy/transport.cpp agent/proxy/upstreamconnection.cpp agent/proxy/staticfile.cpp agent/proxy/poolview.cpp agent/proxy/backendruntime.cpp agent/proxy/accesslog.cpp agent/proxy/tlstransport.cpp agent/proxy/tlscontext.cpp agent/proxy/tlsclientcontext.cpp)
hafront_fuzz_uses(clienthello LIBS OpenSSL::SSL OpenSSL::Crypto SOURCES agent/proxy/tlscontext.cpp)
