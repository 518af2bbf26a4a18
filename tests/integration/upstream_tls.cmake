add_test(NAME upstream_tls_integration
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/upstream_tls_test.py
          --agent $<TARGET_FILE:hafront-agent> --ctl $<TARGET_FILE:hafrontctl>)
set_tests_properties(upstream_tls_integration PROPERTIES LABELS integration TIMEOUT 120)
