# check_clean.cmake: generates the benchmark program and asserts `sessc check` accepts it
# with exit 0 and no diagnostic at all (warnings included). Run by CTest through
# `cmake -P` so that the test needs no shell.
execute_process(COMMAND ${PYTHON} ${GENERATOR} ${PROGRAM} RESULT_VARIABLE gen_result)
if(NOT gen_result EQUAL 0)
  message(FATAL_ERROR "gen_program.py failed (${gen_result})")
endif()
execute_process(COMMAND ${SESSC} check ${PROGRAM}
                RESULT_VARIABLE check_result
                OUTPUT_VARIABLE check_out
                ERROR_VARIABLE check_out)
if(NOT check_result EQUAL 0 OR NOT check_out STREQUAL "")
  message(FATAL_ERROR "sessc check exited ${check_result} on the generated program:\n${check_out}")
endif()
