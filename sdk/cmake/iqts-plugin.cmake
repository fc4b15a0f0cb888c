# iqts_add_plugin(NAME SOURCES...) builds a check plugin: a shared library
# without the "lib" prefix that exports only the ABI record and the factory.
function(iqts_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE iqts::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
