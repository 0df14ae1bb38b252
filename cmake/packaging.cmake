# CPack: the runtime as a Debian package, softedge-runtime-dev (headers, static library,
# CMake and pkg-config files: the install component "devel"), for the architecture this
# build targets: amd64 on the desktop, arm64 and armhf from the Raspberry Pi cross presets.
#
#   cmake --build build/release --target package   ->  softedge-runtime-dev_<version>_amd64.deb
#   cpack --config build/rpi-aarch64/CPackConfig.cmake -B build/rpi-aarch64/packages
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(softedge_deb_arch amd64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(softedge_deb_arch arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  set(softedge_deb_arch armhf)
else()
  return()  # no Debian architecture to name: no package
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME softedge)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "softedge")
set(CPACK_PACKAGE_CONTACT "softedge developers <softedge@localhost>")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${softedge_deb_arch})
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVEL_PACKAGE_NAME softedge-runtime-dev)
set(CPACK_DEBIAN_DEVEL_PACKAGE_DEPENDS "libc6-dev")
set(CPACK_COMPONENT_DEVEL_DESCRIPTION
    "softedge inference runtime: static library, C and C++ headers, CMake and pkg-config files
 A no-heap, no-exception runtime that validates .sedg models from memory and runs float32
 or int8 inference (kernels for ${SOFTEDGE_KERNEL_ISAS}). find_package(softedge) gives the
 target softedge::runtime; pkg-config --cflags --libs softedge works for C programs.")
include(CPack)
