hafront_add_test(tst_responsehead SOURCES tst_responsehead.cpp LIBS hafront_common LABELS unit)
