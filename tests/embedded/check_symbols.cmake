# check_symbols.cmake — proves, from the library itself, that the runtime core needs no heap,
# no exceptions, no RTTI and no file I/O: none of those symbols is among what it imports.
#   cmake -DNM=<the target's nm> -DLIBRARY=libsoftedge_runtime.a -P check_symbols.cmake
execute_process(COMMAND ${NM} -u ${LIBRARY} OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${NM} -u ${LIBRARY} failed (${status})")
endif()

set(forbidden
  "malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign"  # C heap
  "_Znw.*|_Zna.*|_Zdl.*|_Zda.*"                                        # operator new/delete
  "__cxa_.*|_Unwind_.*|__gxx_personality.*|_ZSt[0-9]+__throw_.*"      # exceptions, guards
  "_ZTI.*|_ZTS.*|__dynamic_cast"                                       # RTTI
  "__assert_fail|abort"                                                # asserts
  "fopen|fclose|fread|fwrite|open|open64|read|write|mmap|getenv")      # files, environment
list(JOIN forbidden "|" pattern)

string(REPLACE "\n" ";" lines "${listing}")
set(imported "")
set(offending "")
foreach(line IN LISTS lines)
  if(line MATCHES "^ *U +([^ ]+)$")
    set(symbol "${CMAKE_MATCH_1}")
    string(REGEX REPLACE "@.*" "" symbol "${symbol}")  # strip symbol versions
    if(symbol MATCHES "^_ZN8softedge")  # the library's own cross-file references
      continue()
    endif()
    list(APPEND imported "${symbol}")
    if(symbol MATCHES "^(${pattern})$")
      list(APPEND offending "${symbol}")
    endif()
  endif()
endforeach()
list(REMOVE_DUPLICATES imported)
list(SORT imported)
message(STATUS "${LIBRARY} imports: ${imported}")
if(offending)
  list(REMOVE_DUPLICATES offending)
  message(FATAL_ERROR "the runtime core must not use: ${offending}")
endif()
