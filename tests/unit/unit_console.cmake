hafront_add_test(tst_clustermodel SOURCES tst_clustermodel.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_metricshistory SOURCES tst_metricshistory.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_failoverwatch SOURCES tst_failoverwatch.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_topologyview SOURCES tst_topologyview.cpp LIBS hafront_console_views LABELS gui)
hafront_add_test(tst_consolegui SOURCES tst_consolegui.cpp LIBS hafront_console_views LABELS gui TIMEOUT 120)
if(TARGET tst_consolegui)
  add_dependencies(tst_consolegui hafront-agent)
endif()
hafront_add_test(tst_consolefailoverlab SOURCES tst_consolefailoverlab.cpp LIBS hafront_console_views LABELS gui)
# Standalone these only QSKIP (they need the lab drill_test.sh builds): show them as skipped.
set_tests_properties(tst_consolefailoverlab PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP   :")
hafront_add_test(tst_consolessh SOURCES tst_consolessh.cpp LIBS hafront_console_views LABELS gui)
# Standalone it only QSKIPs (it needs the sshd that ssh_test.sh starts): show it as skipped.
set_tests_properties(tst_consolessh PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP   :")
