# check_size.cmake — the sections of the runtime library (every object's, added up) and a
# budget for what goes to flash, .text + .rodata:
#   cmake -DSIZE=<target size> -DLIBRARY=libsoftedge_runtime.a -DBUDGET=<bytes|0>
#         -DLABEL=<configuration> -P check_size.cmake
execute_process(COMMAND ${SIZE} -A ${LIBRARY} OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SIZE} -A ${LIBRARY} failed (${status})")
endif()

foreach(kind text rodata data bss)
  set(${kind} 0)
endforeach()
string(REPLACE "\n" ";" lines "${listing}")
foreach(line IN LISTS lines)
  # "<section> <size> <address>"; .text.*, .rodata.* etc. with -ffunction/data-sections.
  if(line MATCHES "^\\.(text|rodata|data|bss)(\\.[^ ]*)? +([0-9]+) ")
    math(EXPR ${CMAKE_MATCH_1} "${${CMAKE_MATCH_1}} + ${CMAKE_MATCH_3}")
  endif()
endforeach()
math(EXPR flash "${text} + ${rodata}")
message("runtime library (${LABEL}): .text ${text} B, .rodata ${rodata} B, .data ${data} B, "
        ".bss ${bss} B; flash (.text + .rodata) ${flash} B")
if(BUDGET GREATER 0 AND flash GREATER BUDGET)
  message(FATAL_ERROR "over budget: ${flash} B of .text + .rodata, the budget is ${BUDGET} B")
elseif(BUDGET GREATER 0)
  message("within the budget of ${BUDGET} B")
endif()
