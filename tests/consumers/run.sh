#!/usr/bin/env bash
# run.sh — builds one outside project against softedge the way a user would, runs what it
# built (through qemu for cross builds), and passes only if the program classified the
# export-c header's test images as the desktop did ("N/N predictions match the desktop").
#
#   run.sh KIND WORK_DIR
#
# KIND: find-package-c        C project, find_package(softedge) from $PREFIX
#       pkg-config-c          plain $CC with `pkg-config --cflags --libs softedge` from $PREFIX
#       subproject BUILD_TYPE add_subdirectory (C++), any build type ("" = none)
#       fetchcontent BUILD_TYPE  FetchContent from the local checkout (C++)
#       library-find-package  a C++ library on softedge::runtime (find_package) that installs
#                             and exports itself; an application consumes its package
#       library-subproject    the same library with softedge as its subproject
#       deb                   cpack's .deb of this build, unpacked with dpkg-deb -x into a
#                             scratch root: find-package-c and pkg-config-c against it
# Environment (tests/CMakeLists.txt sets it): SOURCE_DIR (softedge checkout), BINARY_DIR (this
# build), PREFIX (its install), MODEL_HEADER_DIR, EXAMPLES_DIR, GENERATOR, CC, CXX, CFLAGS
# (the target's flags), TOOLCHAIN_FILE (cross builds), EMULATOR (cross builds), DEB_ARCH.
set -euo pipefail
kind=$1
work=$2
shift 2
rm -rf "$work"
mkdir -p "$work"

toolchain=()
[ -n "${TOOLCHAIN_FILE:-}" ] && toolchain=(-DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN_FILE")
compilers=(-DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX")
[ -n "${TOOLCHAIN_FILE:-}" ] && compilers=()  # the toolchain file names them

# Configures and builds the consumer project $1 in $2 with further cmake arguments.
build_project() {
  local source=$1 build=$2
  shift 2
  cmake -S "$source" -B "$build" -G "$GENERATOR" "${toolchain[@]}" "${compilers[@]}" "$@" \
    > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; return 1; }
  cmake --build "$build" -j 2 > "$build.build.log" 2>&1 || { cat "$build.build.log"; return 1; }
}

# Runs a built program and checks its verdict.
run_and_check() {
  local program=$1 output
  # shellcheck disable=SC2086 # EMULATOR is a command line ("qemu-aarch64 -cpu ... -L ...")
  output=$(${EMULATOR:-} "$program") || { echo "$output"; echo "FAIL: $program exited non-zero"; return 1; }
  echo "$output"
  grep -Eq '^([0-9]+)/\1 predictions match the desktop' <<< "$output" ||
    { echo "FAIL: no full match in the output of $program"; return 1; }
}

find_package_c() {  # $1: prefix
  build_project "$SOURCE_DIR/tests/consumers/find_package_c" "$work/find-package-c" \
    -DCMAKE_PREFIX_PATH="$1" -DCLASSIFY_SOURCE="$EXAMPLES_DIR/firmware_classify_c/classify.c" \
    -DMODEL_HEADER_DIR="$MODEL_HEADER_DIR"
  grep 'softedge .* from' "$work/find-package-c.configure.log"
  run_and_check "$work/find-package-c/classify"
}

pkg_config_c() {  # $1: the directory holding softedge.pc
  local cflags libs
  # PKG_CONFIG_LIBDIR, not _PATH: only this package is visible (a cross build must not see
  # the host's .pc files).
  cflags=$(PKG_CONFIG_LIBDIR="$1" pkg-config --cflags softedge)
  libs=$(PKG_CONFIG_LIBDIR="$1" pkg-config --libs softedge)
  echo "pkg-config: version $(PKG_CONFIG_LIBDIR="$1" pkg-config --modversion softedge)," \
       "cflags '$cflags', libs '$libs'"
  # shellcheck disable=SC2086 # word splitting of flags is intended
  "$CC" ${CFLAGS:-} -std=c99 -Wall -Wextra -pedantic -Werror $cflags -I"$MODEL_HEADER_DIR" \
    "$EXAMPLES_DIR/firmware_classify_c/classify.c" -o "$work/classify-pkg-config" $libs
  run_and_check "$work/classify-pkg-config"
}

subproject() {  # $1: build type, $2: ON for FetchContent
  build_project "$SOURCE_DIR/tests/consumers/subproject_cxx" "$work/subproject" \
    -DCMAKE_BUILD_TYPE="$1" -DUSE_FETCHCONTENT="$2" -DSOFTEDGE_SOURCE_DIR="$SOURCE_DIR" \
    -DCLASSIFY_SOURCE="$EXAMPLES_DIR/firmware_classify/classify.cpp" \
    -DMODEL_HEADER_DIR="$MODEL_HEADER_DIR"
  run_and_check "$work/subproject/classify"
}

library() {  # $1: where the application finds softedge's package; then how the library does
  local app_prefixes="$work/library-prefix$1"
  shift
  build_project "$SOURCE_DIR/tests/consumers/cxx_library" "$work/library" \
    -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --install "$work/library" --prefix "$work/library-prefix" > "$work/library.install.log"
  build_project "$SOURCE_DIR/tests/consumers/cxx_library_app" "$work/app" \
    -DCMAKE_PREFIX_PATH="$app_prefixes" -DMODEL_HEADER_DIR="$MODEL_HEADER_DIR"
  run_and_check "$work/app/classify"
}

deb() {
  cpack --config "$BINARY_DIR/CPackConfig.cmake" -B "$work/packages" > "$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log"; return 1; }
  local package
  package=$(ls "$work"/packages/softedge-runtime-dev_*_"$DEB_ARCH".deb)
  echo "$(basename "$package"): $(stat -c %s "$package") bytes"
  [ "$(dpkg-deb -f "$package" Package)" = softedge-runtime-dev ]
  [ "$(dpkg-deb -f "$package" Architecture)" = "$DEB_ARCH" ]
  dpkg-deb -c "$package" | awk '{print $6}'
  dpkg-deb -x "$package" "$work/root"
  find_package_c "$work/root/usr"
  pkg_config_c "$(dirname "$(find "$work/root" -name softedge.pc)")"
}

case "$kind" in
  find-package-c) find_package_c "$PREFIX" ;;
  pkg-config-c) pkg_config_c "$(dirname "$(find "$PREFIX" -name softedge.pc)")" ;;
  subproject) subproject "${1:-}" OFF ;;
  fetchcontent) subproject "${1:-}" ON ;;
  library-find-package) library ";$PREFIX" -DCMAKE_PREFIX_PATH="$PREFIX" ;;
  # softedge's own install rules put its package beside the library's: nothing else needed.
  library-subproject) library "" -DSOFTEDGE_SOURCE_DIR="$SOURCE_DIR" ;;
  deb) deb ;;
  *) echo "unknown consumer kind '$kind'" >&2; exit 2 ;;
esac
echo "consumer $kind: ok"
