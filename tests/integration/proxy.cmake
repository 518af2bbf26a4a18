add_test(NAME proxy_integration
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/proxy_test.py
          --agent $<TARGET_FILE:hafront-agent> --ctl $<TARGET_FILE:hafrontctl>)
set_tests_properties(proxy_integration PROPERTIES LABELS integration TIMEOUT 300)
