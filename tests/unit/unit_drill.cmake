hafront_add_test(tst_drilldowntime SOURCES tst_drilldowntime.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_clockoffset SOURCES tst_clockoffset.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_drillprober SOURCES tst_drillprober.cpp LIBS hafront_client LABELS unit)
hafront_add_test(tst_drilldialog LABELS gui
  SOURCES tst_drilldialog.cpp
    ${HAFRONT_SOURCE_ROOT}/console/drill/widgets/drilldialog.cpp ${HAFRONT_SOURCE_ROOT}/console/drill/widgets/drilldialog.h
    ${HAFRONT_SOURCE_ROOT}/console/drill/widgets/drillchart.cpp ${HAFRONT_SOURCE_ROOT}/console/drill/widgets/drillchart.h
  LIBS hafront_client Qt6::Widgets Qt6::Charts)
hafront_add_test(tst_drillplan SOURCES tst_drillplan.cpp LIBS hafront_client LABELS unit)
