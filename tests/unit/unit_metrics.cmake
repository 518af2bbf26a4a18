hafront_add_test(tst_metrics SOURCES tst_metrics.cpp LIBS hafront_agent_lib LABELS unit)
