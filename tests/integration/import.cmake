# nginx with its own config and hafront with the imported one, in front of
# the same recording backends: every difference must be one the report
# announced (skips with 77 where nginx is not installed).
add_test(NAME import_diff
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/import_diff_test.py
          --agent $<TARGET_FILE:hafront-agent> --ctl $<TARGET_FILE:hafrontctl>
          --corpus ${HAFRONT_SOURCE_ROOT}/tests/import/corpus/nginx)
set_tests_properties(import_diff PROPERTIES LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77)
