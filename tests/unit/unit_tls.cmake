hafront_add_test(tst_tls SOURCES tst_tls.cpp LIBS hafront_common LABELS unit)
hafront_add_test(tst_tlscontext SOURCES tst_tlscontext.cpp LIBS hafront_agent_lib LABELS unit)
hafront_add_test(tst_upstreamtls SOURCES tst_upstreamtls.cpp LIBS hafront_agent_lib LABELS unit)
