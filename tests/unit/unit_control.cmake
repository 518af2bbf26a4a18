hafront_add_test(tst_framing SOURCES tst_framing.cpp LIBS hafront_common LABELS unit)
hafront_add_test(tst_statefile SOURCES tst_statefile.cpp LIBS hafront_agent_lib LABELS unit)
