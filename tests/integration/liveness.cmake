add_test(NAME liveness_integration
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/liveness_test.sh $<TARGET_FILE:hafront-agent> $<TARGET_FILE:hafrontctl>)
set_tests_properties(liveness_integration PROPERTIES LABELS "integration;root" TIMEOUT 180 SKIP_RETURN_CODE 77)
