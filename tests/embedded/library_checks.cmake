# library_checks.cmake — the embedded promises of the runtime library itself, registered on
# every target (included from tests/CMakeLists.txt):
#  - embedded/no-heap-symbols: nothing it imports is an allocator, exception, RTTI or file call;
#  - embedded/stack-bound: GCC's call graphs bound every frame and the deepest call chain
#    (optimised builds: an unoptimised one keeps every temporary on the stack);
#  - embedded/size: .text, .rodata, .data and .bss of the library, and the budget for code
#    and constants (SOFTEDGE_TEXT_BUDGET bytes of .text + .rodata; 0: report only).
set(SOFTEDGE_TEXT_BUDGET 0 CACHE STRING
    "Largest .text + .rodata of the runtime library, in bytes (0: no budget, report only)")

add_test(NAME embedded/no-heap-symbols
         COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DLIBRARY=$<TARGET_FILE:softedge_runtime>
                 -P ${CMAKE_CURRENT_LIST_DIR}/check_symbols.cmake)

if(SOFTEDGE_CALLGRAPH_DIR AND CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo|MinSizeRel)$")
  add_test(NAME embedded/stack-bound
           COMMAND sh -c "awk -f \"$1\" -v limit=$2 -v frame_limit=$3 \"$4\"/*.ci" stack-bound
                   ${CMAKE_CURRENT_LIST_DIR}/stack_bound.awk ${SOFTEDGE_MAX_STACK_BYTES}
                   ${SOFTEDGE_MAX_FRAME_BYTES}
                   ${SOFTEDGE_CALLGRAPH_DIR})
endif()

add_test(NAME embedded/size
         COMMAND ${CMAKE_COMMAND} -DSIZE=${SOFTEDGE_SIZE_TOOL}
                 -DLIBRARY=$<TARGET_FILE:softedge_runtime> -DBUDGET=${SOFTEDGE_TEXT_BUDGET}
                 "-DLABEL=${CMAKE_SYSTEM_PROCESSOR} ${CMAKE_BUILD_TYPE} ${SOFTEDGE_KERNELS}"
                 -P ${CMAKE_CURRENT_LIST_DIR}/check_size.cmake)

# embedded/layer-modes: load() refuses a model whose layer mode SOFTEDGE_LAYER_MODES leaves out
# (kLayerModeUnavailable), loads and runs the others, and the kernel sets have exactly the
# members the compiled modes call. Every build with a C++ library, single-set ones included.
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Generic")
  add_executable(softedge_layer_modes_test ${CMAKE_CURRENT_LIST_DIR}/layer_modes_test.cpp)
  target_link_libraries(softedge_layer_modes_test PRIVATE softedge_runtime)
  add_test(NAME embedded/layer-modes COMMAND softedge_layer_modes_test)
  set_tests_properties(embedded/layer-modes PROPERTIES
                       PASS_REGULAR_EXPRESSION "layer modes: as built"
                       FAIL_REGULAR_EXPRESSION "FAILED")
endif()
