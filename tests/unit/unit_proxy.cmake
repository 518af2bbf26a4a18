hafront_add_test(tst_balance SOURCES tst_balance.cpp LIBS hafront_common LABELS unit)
hafront_add_test(tst_health SOURCES tst_health.cpp LIBS hafront_common LABELS unit)
hafront_add_test(tst_pathnorm SOURCES tst_pathnorm.cpp LIBS hafront_common LABELS unit)
hafront_add_test(tst_route SOURCES tst_route.cpp LIBS hafront_agent_lib LABELS unit)
