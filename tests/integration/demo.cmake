# README command 1 (scripts/demo.sh) headless for 20 s on this build, then
# checks the VIP answered the client, the console PNG, the drill report and
# that no namespace or process is left behind.
add_test(NAME demo_integration
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/demo_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(demo_integration PROPERTIES LABELS "integration;root" TIMEOUT 120 SKIP_RETURN_CODE 77
  RUN_SERIAL TRUE)
