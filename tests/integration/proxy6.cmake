add_test(NAME proxy6_integration
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/proxy6_test.py --agent $<TARGET_FILE:hafront-agent>)
set_tests_properties(proxy6_integration PROPERTIES LABELS integration TIMEOUT 60)
