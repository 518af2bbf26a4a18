hafront_add_test(tst_vrrpstatemachine SOURCES tst_vrrpstatemachine.cpp LIBS hafront_common LABELS unit)
hafront_add_test(tst_vrrpcodec SOURCES tst_vrrpcodec.cpp LIBS hafront_common LABELS unit)
hafront_add_test(tst_trackers SOURCES tst_trackers.cpp LIBS hafront_agent_lib LABELS unit)
