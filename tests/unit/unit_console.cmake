hafront_add_test(tst_clustermodel SOURCES tst_clustermodel.cpp LIBS hafront_client LABELS unit)
