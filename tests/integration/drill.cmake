add_test(NAME drill_integration
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/drill_test.sh $<TARGET_FILE:hafront-agent> $<TARGET_FILE:hafrontctl>
          $<TARGET_FILE:tst_drilldialoglab> $<TARGET_FILE:tst_consolefailoverlab>)
set_tests_properties(drill_integration PROPERTIES LABELS "integration;root" TIMEOUT 240 SKIP_RETURN_CODE 77
  ENVIRONMENT "HAFRONT_BINARY_DIR=${CMAKE_BINARY_DIR}")
