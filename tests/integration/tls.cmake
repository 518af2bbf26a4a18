add_test(NAME tls_integration
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/tls_test.py
          --agent $<TARGET_FILE:hafront-agent> --ctl $<TARGET_FILE:hafrontctl>)
set_tests_properties(tls_integration PROPERTIES LABELS integration TIMEOUT 300)
