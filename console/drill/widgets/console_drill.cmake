# The drill's widgets for hafront-console: include this from the console's
# views/CMakeLists.txt after hafront-console is defined:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/../drill/widgets/console_drill.cmake)
set(HAFRONT_DRILL_WIDGET_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/drilldialog.h ${CMAKE_CURRENT_LIST_DIR}/drilldialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/drillchart.h ${CMAKE_CURRENT_LIST_DIR}/drillchart.cpp)
if(TARGET hafront-console)
  target_sources(hafront-console PRIVATE ${HAFRONT_DRILL_WIDGET_SOURCES})
  target_link_libraries(hafront-console PRIVATE Qt6::Widgets Qt6::Charts)
endif()
