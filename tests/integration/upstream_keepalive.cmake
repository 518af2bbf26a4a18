add_test(NAME upstream_keepalive_integration
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/upstream_keepalive_test.py
          --agent $<TARGET_FILE:hafront-agent> --ctl $<TARGET_FILE:hafrontctl>)
set_tests_properties(upstream_keepalive_integration PROPERTIES LABELS integration TIMEOUT 120)
