# The Debian packages build from this tree and hold what they should.
add_test(NAME packages_integration
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/packages_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(packages_integration PROPERTIES LABELS "integration" TIMEOUT 300 SKIP_RETURN_CODE 77
  RUN_SERIAL TRUE)
