# Raspberry Pi Zero / Pi 1 (ARM1176: ARMv6 + VFPv2, no NEON) with Debian's armhf compiler.
# xsimd has no batch types here (XSIMD_NO_SUPPORTED_ARCHITECTURE); runtime/CMakeLists.txt
# builds NEON kernels only for armv7/aarch64, so this is the scalar-only configuration.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv6l)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)

# -marm: the compiler defaults to Thumb, which on ARMv6 is Thumb-1 and cannot use the
# hard-float ABI ("sorry, unimplemented"). -Wno-psabi: see armv7-rpi.cmake.
set(CMAKE_C_FLAGS_INIT "-march=armv6 -mfpu=vfp -mfloat-abi=hard -marm")
set(CMAKE_CXX_FLAGS_INIT "-march=armv6 -mfpu=vfp -mfloat-abi=hard -marm -Wno-psabi")

# Multiarch armhf libraries (libbenchmark-dev:armhf for softedge-bench) come from
# /usr/lib/arm-linux-gnueabihf through /; like Debian's libc they are ARMv7 code.
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Not arm1176 by default: Debian's armhf C library and libstdc++ are ARMv7 Thumb-2 code, so
# under -cpu arm1176 even an empty program dies with SIGILL in ld.so (static links too).
# Our own code is still ARMv6 only (readelf -A: Tag_CPU_arch v6); the Pi 2's core runs it
# with Debian's libraries. With an ARMv6 sysroot (Raspberry Pi OS armhf), pass
# -DSOFTEDGE_QEMU_CPU=arm1176 and point CMAKE_FIND_ROOT_PATH / -L at that sysroot.
set(SOFTEDGE_QEMU_CPU cortex-a7 CACHE STRING "CPU qemu-arm emulates for the tests")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -cpu ${SOFTEDGE_QEMU_CPU} -L /usr/arm-linux-gnueabihf)
