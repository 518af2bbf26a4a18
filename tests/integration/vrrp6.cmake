add_test(NAME vrrp6_integration
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/vrrp6_test.sh $<TARGET_FILE:hafront-agent> $<TARGET_FILE:hafrontctl>)
set_tests_properties(vrrp6_integration PROPERTIES LABELS "integration;root" TIMEOUT 180 SKIP_RETURN_CODE 77)
