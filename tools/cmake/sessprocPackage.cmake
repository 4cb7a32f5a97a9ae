# sessprocPackage.cmake: the CMake package: sessproc:: targets in this build tree, install rules.
#
# Included by the top-level CMakeLists.txt once every target exists. In this build tree it makes
# the names a consumer uses (sessproc::runtime, sessproc::stdlib, sessproc::emitted,
# sessproc::sessc) aliases of the real targets and defines sessproc_add_reducers(), so the
# project's own examples and tests use the same function as an installed consumer. `cmake
# --install` (component `sessproc`) installs sessc, the two static libraries, the headers the
# runtime and emitted C++ include, and lib/cmake/sessproc/ for find_package(sessproc CONFIG).
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SESSPROC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/sessproc)
set(SESSPROC_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/sessproc)

# target -> its name under sessproc::, here and in the installed package.
set(_sessproc_package_targets
    sessproc_runtime runtime
    sessproc_stdlib stdlib
    sessproc_emitted emitted
    sessc sessc)
set(_sessproc_exported "")
while(_sessproc_package_targets)
  list(POP_FRONT _sessproc_package_targets _sessproc_target _sessproc_name)
  set_target_properties(${_sessproc_target} PROPERTIES EXPORT_NAME ${_sessproc_name})
  get_target_property(_sessproc_type ${_sessproc_target} TYPE)
  if(_sessproc_type STREQUAL "EXECUTABLE")
    add_executable(sessproc::${_sessproc_name} ALIAS ${_sessproc_target})
  else()
    add_library(sessproc::${_sessproc_name} ALIAS ${_sessproc_target})
  endif()
  list(APPEND _sessproc_exported ${_sessproc_target})
endwhile()

include(${CMAKE_CURRENT_LIST_DIR}/sessprocReducers.cmake)

install(TARGETS ${_sessproc_exported}
        EXPORT sessprocTargets
        COMPONENT sessproc
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${SESSPROC_INSTALL_INCLUDEDIR})

# Headers keep their paths relative to the source root ("runtime/runtime.h"): emitted code and
# the headers themselves include each other that way.
file(GLOB _sessproc_runtime_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/runtime/*.h)
file(GLOB _sessproc_stdlib_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/stdlib/*.h
     ${PROJECT_SOURCE_DIR}/stdlib/*.def)
install(FILES ${_sessproc_runtime_headers} DESTINATION ${SESSPROC_INSTALL_INCLUDEDIR}/runtime
        COMPONENT sessproc)
install(FILES ${_sessproc_stdlib_headers} DESTINATION ${SESSPROC_INSTALL_INCLUDEDIR}/stdlib
        COMPONENT sessproc)
install(FILES ${PROJECT_SOURCE_DIR}/compiler/cpp/support_module.h
              ${PROJECT_SOURCE_DIR}/compiler/cpp/support_checks.h
              ${PROJECT_SOURCE_DIR}/compiler/cpp/support_native.h
              ${PROJECT_SOURCE_DIR}/compiler/cpp/support_ops.h
        DESTINATION ${SESSPROC_INSTALL_INCLUDEDIR}/compiler/cpp COMPONENT sessproc)

# find_dependency() for every package the exported libraries link (PRIVATE ones too: they are
# static), read from the targets so that a dependency added in runtime/ or stdlib/ is never
# forgotten here. Each is a CMake package whose name is its targets' namespace (fmt::fmt).
set(_sessproc_dependencies "")
foreach(_sessproc_target sessproc_runtime sessproc_stdlib)
  get_target_property(_sessproc_libs ${_sessproc_target} INTERFACE_LINK_LIBRARIES)
  foreach(_sessproc_lib IN LISTS _sessproc_libs)
    if(_sessproc_lib MATCHES "^(\\$<LINK_ONLY:)?([A-Za-z0-9_]+)::" AND NOT CMAKE_MATCH_2 STREQUAL "sessproc")
      list(APPEND _sessproc_dependencies ${CMAKE_MATCH_2})
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES _sessproc_dependencies)
set(SESSPROC_FIND_DEPENDENCIES "")
foreach(_sessproc_package IN LISTS _sessproc_dependencies)
  string(APPEND SESSPROC_FIND_DEPENDENCIES "find_dependency(${_sessproc_package})\n")
endforeach()

install(EXPORT sessprocTargets NAMESPACE sessproc:: DESTINATION ${SESSPROC_INSTALL_CMAKEDIR}
        COMPONENT sessproc)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/sessprocConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/sessprocConfig.cmake
                              INSTALL_DESTINATION ${SESSPROC_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sessprocConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sessprocConfig.cmake
              ${PROJECT_BINARY_DIR}/sessprocConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/sessprocReducers.cmake
        DESTINATION ${SESSPROC_INSTALL_CMAKEDIR} COMPONENT sessproc)
