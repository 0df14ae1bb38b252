# 64-bit Raspberry Pi OS (Pi 3/4/5) with Debian's aarch64-linux-gnu cross compiler.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Baseline ARMv8.0 so one binary runs on the Pi 3's Cortex-A53; newer cores only get their
# extras (dotprod on the Pi 5) through code that asks for them explicitly.
set(CMAKE_C_FLAGS_INIT "-march=armv8-a")
set(CMAKE_CXX_FLAGS_INIT "-march=armv8-a")

# Libraries and headers from the target's C library first, then / for the header-only
# xsimd and doctest (and doctest's CMake package) and for Debian multiarch packages of the
# target (libbenchmark-dev:arm64, zlib1g-dev:arm64 in /usr/lib/aarch64-linux-gnu, found
# through CMAKE_LIBRARY_ARCHITECTURE); build tools always from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest (and doctest_discover_tests at build time) run the tests through qemu-user. The CPU
# is pinned so code built for a newer core fails with SIGILL instead of passing by accident;
# -DSOFTEDGE_QEMU_CPU=cortex-a76 emulates a Pi 5 instead of a Pi 3.
set(SOFTEDGE_QEMU_CPU cortex-a53 CACHE STRING "CPU qemu-aarch64 emulates for the tests")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -cpu ${SOFTEDGE_QEMU_CPU} -L /usr/aarch64-linux-gnu)
