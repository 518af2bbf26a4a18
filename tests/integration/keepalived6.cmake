add_test(NAME keepalived6_interop
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/keepalived6_interop_test.sh $<TARGET_FILE:hafront-agent> $<TARGET_FILE:hafrontctl>)
set_tests_properties(keepalived6_interop PROPERTIES LABELS "integration;root" TIMEOUT 120 SKIP_RETURN_CODE 77)
