# 32-bit Raspberry Pi OS (Pi 2/3/4) with Debian's arm-linux-gnueabihf cross compiler.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)

# Debian's armhf default is armv7-a+fp without NEON: xsimd would then define
# XSIMD_NO_SUPPORTED_ARCHITECTURE and only the scalar kernels could be built. Every Pi from
# the Pi 2 (Cortex-A7) on has NEON-VFPv4.
# -Wno-psabi: GCC notes an ABI change from GCC 7.1 at every std::vector use (in doctest);
# nothing here links with code that old.
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")
set(CMAKE_CXX_FLAGS_INIT "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard -Wno-psabi")

# Target libraries from the armhf sysroot, header-only xsimd/doctest from /, Debian multiarch
# armhf packages (libbenchmark-dev:armhf, zlib1g-dev:armhf) from /usr/lib/arm-linux-gnueabihf,
# host tools.
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Pinned to the Pi 2's core, the oldest that runs this build: anything newer would hide
# instructions the Pi 2 lacks.
set(SOFTEDGE_QEMU_CPU cortex-a7 CACHE STRING "CPU qemu-arm emulates for the tests")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -cpu ${SOFTEDGE_QEMU_CPU} -L /usr/arm-linux-gnueabihf)
