# report_image_size.cmake — flash and RAM of a linked firmware image (Cortex-M):
#   flash = .text (code, constants, the model) + .data's initial values; RAM = .data + .bss
#   (the stack reserve is reported apart; the image prints its measured high-water mark).
#   cmake -DSIZE=<target size> -DIMAGE=<elf> -P report_image_size.cmake
execute_process(COMMAND ${SIZE} -A ${IMAGE} OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SIZE} -A ${IMAGE} failed (${status})")
endif()
foreach(section text ARM.exidx data bss stack)
  set(size_${section} 0)
  if(listing MATCHES "\n\\.${section} +([0-9]+) ")
    set(size_${section} ${CMAKE_MATCH_1})
  endif()
endforeach()
math(EXPR flash "${size_text} + ${size_ARM.exidx} + ${size_data}")
math(EXPR ram "${size_data} + ${size_bss}")
message("firmware image: flash ${flash} B (.text ${size_text}, .data ${size_data}), "
        "RAM ${ram} B (.data + .bss) + ${size_stack} B stack reserve")
