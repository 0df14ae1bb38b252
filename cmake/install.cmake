# The installed package (`cmake --install`): what a consumer of the runtime gets.
#
#   include/softedge/*.h                         C++ and C headers, version.h (generated)
#   <libdir>/libsoftedge_runtime.a               the runtime
#   <libdir>/cmake/softedge/softedgeConfig*.cmake, softedgeTargets*.cmake   find_package(softedge)
#   <libdir>/pkgconfig/softedge.pc               pkg-config --cflags --libs softedge
#   bin/softedge, bin/softedge-train             when the tools and trainer are built
#
# Everything of the runtime is in the install component "devel" (the .deb of packaging.cmake);
# the programs are in "tools". The package is relocatable: no absolute path is written into it.
include(CMakePackageConfigHelpers)

set(SOFTEDGE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/softedge CACHE STRING
    "Where softedgeConfig.cmake is installed, relative to the prefix")

install(TARGETS softedge_runtime EXPORT softedgeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/softedge
                  ${PROJECT_BINARY_DIR}/runtime/include/softedge
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT devel
        FILES_MATCHING PATTERN "*.h")
install(EXPORT softedgeTargets NAMESPACE softedge:: DESTINATION ${SOFTEDGE_INSTALL_CMAKEDIR}
        COMPONENT devel)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/templates/softedgeConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/softedgeConfig.cmake
                              INSTALL_DESTINATION ${SOFTEDGE_INSTALL_CMAKEDIR})
# A static library built for one architecture: any 0.x minor change may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/softedgeConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/softedgeConfig.cmake
              ${PROJECT_BINARY_DIR}/softedgeConfigVersion.cmake
        DESTINATION ${SOFTEDGE_INSTALL_CMAKEDIR} COMPONENT devel)

# pkg-config: paths relative to the .pc file, so the package works wherever it is unpacked.
file(RELATIVE_PATH softedge_pc_to_prefix
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" softedge_pc_to_prefix "${softedge_pc_to_prefix}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/templates/softedge.pc.in
               ${PROJECT_BINARY_DIR}/softedge.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/softedge.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT devel)

foreach(program softedge softedge-train)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  endif()
endforeach()
