# Console benchmark (not in ctest): tests/bench/console/run.sh BUILD_DIR builds
# and runs it. Included from console/views/CMakeLists.txt.
qt_add_executable(bench_console ${CMAKE_CURRENT_LIST_DIR}/bench_console.cpp)
set_target_properties(bench_console PROPERTIES EXCLUDE_FROM_ALL ON)
target_link_libraries(bench_console PRIVATE hafront_console_views)
target_compile_options(bench_console PRIVATE ${HAFRONT_WARNINGS})
