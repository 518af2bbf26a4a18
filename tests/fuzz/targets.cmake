# What each fuzz target needs besides hafront_common (see CMakeLists.txt).
# One line per target that needs more; targets not named here need nothing.
hafront_fuzz_uses(statefile SOURCES agent/control/statefile.cpp)
hafront_fuzz_uses(scraperequest SOURCES agent/metrics/scraperequest.cpp)
hafront_fuzz_uses(probeurl SOURCES console/drill/prober.cpp)
hafront_fuzz_uses(configjson LIBS Qt6::Core)   # QJsonDocument: a strict JSON referee
