# xsimd 8.1 from Debian (header-only). Its own xsimdConfig.cmake links a nonexistent `xtl`
# library and is invisible to cross builds, so find the header and make our own target.
# Bare-metal builds (CMAKE_SYSTEM_NAME Generic) compile only kernels without xsimd, and must
# not see the host's /usr/include.
if(CMAKE_SYSTEM_NAME STREQUAL "Generic")
  return()
endif()
find_path(XSIMD_INCLUDE_DIR xsimd/xsimd.hpp REQUIRED)
add_library(softedge_xsimd INTERFACE)
# /usr/include is already on every compiler's path (last, for cross compilers); adding it
# again with -isystem would put host headers ahead of the target's C library.
if(NOT XSIMD_INCLUDE_DIR STREQUAL "/usr/include")
  target_include_directories(softedge_xsimd SYSTEM INTERFACE ${XSIMD_INCLUDE_DIR})
endif()
