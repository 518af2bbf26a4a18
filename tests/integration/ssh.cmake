set(_ssh_console "")
if(TARGET tst_consolessh)
  set(_ssh_console $<TARGET_FILE:tst_consolessh>)
endif()
add_test(NAME ssh_integration
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/ssh_test.sh $<TARGET_FILE:hafront-agent> $<TARGET_FILE:hafrontctl> ${_ssh_console})
set_tests_properties(ssh_integration PROPERTIES LABELS "integration;root" TIMEOUT 180 SKIP_RETURN_CODE 77
  ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
