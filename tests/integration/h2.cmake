# HTTP/2 to clients (issue 17): Debian's python3-h2 (hpack) lives in /usr/bin/python3's path.
add_test(NAME h2_integration
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/h2_test.py
          --agent $<TARGET_FILE:hafront-agent> --ctl $<TARGET_FILE:hafrontctl>)
set_tests_properties(h2_integration PROPERTIES LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77)
