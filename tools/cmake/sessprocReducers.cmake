# sessprocReducers.cmake: sessproc_add_reducers(), .reducer programs compiled to C++ at build time.
#
#   sessproc_add_reducers(<target> [FILES] <file>... [NAME <name>] [OUTPUT_DIR <dir>] [WERROR])
#
# Runs `sessc build <file>... --name <name> -o <dir>` as a build step whose outputs are
# <dir>/<name>.h and <dir>/<name>.cpp, adds both to <target>, puts <dir> on its include path and
# links it to sessproc::emitted (the support headers, the stdlib and the runtime). The step
# depends on every listed file and on sessc itself, so editing one program regenerates that
# program's module and nothing else; sessc rewrites a file only when its text changes (and
# Ninja's restat then skips recompiling an unchanged one; Make re-runs the cheap sessc step on
# each build after such an edit, still without recompiling). As with protobuf_generate, the
# program is compiled as a whole: one call is one module, `sessproc::emitted::<name>::
# make_module()`. <name> must be a C identifier (default: the target's name); relative files
# are relative to the current source directory; <dir> defaults to
# ${CMAKE_CURRENT_BINARY_DIR}/sessproc/<name>. Works the same in the sessproc build tree (for its
# own examples and tests) and after find_package(sessproc).
include_guard(GLOBAL)

function(sessproc_add_reducers target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "WERROR" "NAME;OUTPUT_DIR" "FILES")
  set(files ${arg_FILES} ${arg_UNPARSED_ARGUMENTS})
  if(NOT TARGET ${target})
    message(FATAL_ERROR "sessproc_add_reducers: ${target} is not a target")
  endif()
  if(NOT files)
    message(FATAL_ERROR "sessproc_add_reducers(${target}): no .reducer or .session files given")
  endif()
  foreach(needed sessproc::sessc sessproc::emitted)
    if(NOT TARGET ${needed})
      message(FATAL_ERROR "sessproc_add_reducers: ${needed} is missing; use find_package(sessproc)")
    endif()
  endforeach()

  set(name ${target})
  if(arg_NAME)
    set(name ${arg_NAME})
  endif()
  # The file names and the C++ namespace are the name itself: sessc would rename anything else.
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$" OR name MATCHES "^(std|stdlib|sessproc|emitted|cpp)$")
    message(FATAL_ERROR "sessproc_add_reducers(${target}): the module name '${name}' must be a C "
                        "identifier other than std, stdlib, sessproc, emitted and cpp; give NAME")
  endif()

  set(dir ${CMAKE_CURRENT_BINARY_DIR}/sessproc/${name})
  if(arg_OUTPUT_DIR)
    get_filename_component(dir "${arg_OUTPUT_DIR}" ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set(inputs "")
  foreach(file IN LISTS files)
    get_filename_component(path "${file}" ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND inputs "${path}")
  endforeach()
  set(options "")
  if(arg_WERROR)
    set(options --werror)
  endif()

  set(outputs ${dir}/${name}.h ${dir}/${name}.cpp)
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND sessproc::sessc build ${options} --name ${name} -o ${dir} ${inputs}
    DEPENDS ${inputs} sessproc::sessc $<TARGET_FILE:sessproc::sessc>
    COMMENT "sessc: generating the C++ module ${name}"
    VERBATIM)
  target_sources(${target} PRIVATE ${outputs})
  target_include_directories(${target} PRIVATE ${dir})
  target_link_libraries(${target} PRIVATE sessproc::emitted)
endfunction()
