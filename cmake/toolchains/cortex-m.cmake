# Bare-metal Arm Cortex-M with Debian's arm-none-eabi GCC and newlib (gcc-arm-none-eabi,
# libnewlib-arm-none-eabi). Pick the core with SOFTEDGE_CORTEX_M (CMakePresets.json):
#   cortex-m4  -mcpu=cortex-m4 -mfpu=fpv4-sp-d16   qemu-system-arm -M mps2-an386
#   cortex-m7  -mcpu=cortex-m7 -mfpu=fpv5-d16      qemu-system-arm -M mps2-an500
#   cortex-m55 -mcpu=cortex-m55 (FPU, DSP, Helium) qemu-system-arm -M mps3-an547
# All with the FPU in hardware (hard-float ABI) and the DSP extension; the M55 with the
# M-profile vector extension (MVE, "Helium") too.
set(CMAKE_SYSTEM_NAME Generic)
set(SOFTEDGE_CORTEX_M cortex-m4 CACHE STRING "Cortex-M core: cortex-m4, cortex-m7 or cortex-m55")
set(CMAKE_SYSTEM_PROCESSOR ${SOFTEDGE_CORTEX_M})
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# No startup code or syscalls here: try_compile builds a static library instead of a program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(SOFTEDGE_CORTEX_M STREQUAL "cortex-m55")
  set(cortex_m_flags "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard")
  set(SOFTEDGE_QEMU_MACHINE mps3-an547 CACHE STRING "qemu-system-arm machine")
elseif(SOFTEDGE_CORTEX_M STREQUAL "cortex-m7")
  set(cortex_m_flags "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
  set(SOFTEDGE_QEMU_MACHINE mps2-an500 CACHE STRING "qemu-system-arm machine")
else()
  set(cortex_m_flags "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
  set(SOFTEDGE_QEMU_MACHINE mps2-an386 CACHE STRING "qemu-system-arm machine")
endif()
# Every function and object in its own section, so a firmware link (--gc-sections) keeps only
# what it calls.
set(CMAKE_C_FLAGS_INIT "${cortex_m_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${cortex_m_flags} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${cortex_m_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs -nostartfiles -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH /usr/lib/arm-none-eabi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs firmware images in qemu's system emulator; semihosting gives them a console and
# an exit status (examples/cortex_m).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-system-arm -M ${SOFTEDGE_QEMU_MACHINE} -nographic
    -monitor none -serial null -semihosting-config enable=on,target=native -kernel)
