add_test(NAME metrics_integration
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/metrics_test.py --agent $<TARGET_FILE:hafront-agent>)
set_tests_properties(metrics_integration PROPERTIES LABELS integration TIMEOUT 120)
