add_test(NAME control_integration
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/control_test.py
          --agent $<TARGET_FILE:hafront-agent> --ctl $<TARGET_FILE:hafrontctl>)
set_tests_properties(control_integration PROPERTIES LABELS integration TIMEOUT 120)
