hafront_add_test(tst_drilldowntime SOURCES tst_drilldowntime.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_clockoffset SOURCES tst_clockoffset.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_drillprober SOURCES tst_drillprober.cpp LIBS hafront_client LABELS unit)
