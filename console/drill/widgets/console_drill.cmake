# The drill's widgets (dialog and live chart) as one library for
# hafront-console and the tests that drive the dialog (compiled once, not once
# per executable). Included from the console's views/CMakeLists.txt after
# hafront-console is defined:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/../drill/widgets/console_drill.cmake)
add_library(hafront_drill_widgets STATIC
  ${CMAKE_CURRENT_LIST_DIR}/drilldialog.h ${CMAKE_CURRENT_LIST_DIR}/drilldialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/drillchart.h ${CMAKE_CURRENT_LIST_DIR}/drillchart.cpp)
target_link_libraries(hafront_drill_widgets PUBLIC hafront_client Qt6::Widgets Qt6::Charts)
target_compile_options(hafront_drill_widgets PRIVATE ${HAFRONT_WARNINGS})
set_target_properties(hafront_drill_widgets PROPERTIES AUTOMOC ON)
if(TARGET hafront-console)
  target_link_libraries(hafront-console PRIVATE hafront_drill_widgets)
endif()
