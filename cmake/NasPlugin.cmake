# nas_add_plugin(<name> <sources>...)
#
# Builds one nasrun plugin (a MODULE library named nas_<name>.so). Works in
# the nasrun tree and out of it, after find_package(nascore). The plugin
# records the LibTorch version it was built against; nasrun refuses it when
# that differs from its own.
function(nas_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  if(TARGET nascore)
    target_link_libraries(${name} PRIVATE nascore)
  else()
    target_link_libraries(${name} PRIVATE nascore::nascore)
  endif()
  if(NOT DEFINED Torch_VERSION)
    message(FATAL_ERROR "nas_add_plugin: find_package(Torch) first (find_package(nascore) does it)")
  endif()
  target_compile_definitions(${name} PRIVATE NAS_TORCH_VERSION="${Torch_VERSION}")
  set_target_properties(${name} PROPERTIES PREFIX "" OUTPUT_NAME "nas_${name}")
  if(DEFINED NASRUN_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${NASRUN_PLUGIN_OUTPUT_DIR})
    install(TARGETS ${name} LIBRARY DESTINATION ${NASRUN_PLUGIN_SUBDIR})
    set_property(GLOBAL APPEND PROPERTY NAS_PLUGIN_TARGETS ${name})
  endif()
endfunction()

# In the nasrun tree: reuse the precompiled LibTorch headers for a target
# that includes them (all proxies and spaces).
function(nas_use_torch_pch target)
  if(NASRUN_USE_PCH AND TARGET nas_torch_pch)
    target_precompile_headers(${target} REUSE_FROM nas_torch_pch)
  endif()
endfunction()
