// fuzz_idx.cpp — libFuzzer target: the IDX reader of softedge-train and the tools
// (trainer/src/idx_reader.h), on any bytes.
//
// Every input goes to parse_idx_images() and parse_idx_labels() as raw bytes. An input that
// starts with the gzip magic (1f 8b) is also written to a file and read with read_idx_images()
// (even sizes) or read_idx_labels() (odd sizes), which decompress it with zlib first (the .gz
// path of the Fashion-MNIST files). The only exception allowed out is DataError, and its message
// must start with the file's name; a parsed result must be self-consistent (count x 28 x 28 pixels,
// count labels of 0..9). Anything else (another exception, a crash, ASan/UBSan) is a bug.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "softedge/host/idx_reader.h"

namespace host = softedge::host;

namespace {

#define FUZZ_CHECK(condition) \
  do {                        \
    if (!(condition)) __builtin_trap(); \
  } while (0)

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

void check_images(const host::IdxImages& images) {
  FUZZ_CHECK(images.rows == 28 && images.cols == 28);
  FUZZ_CHECK(images.pixels.size() == size_t{images.count} * 28 * 28);
}

void check_labels(const host::IdxLabels& labels) {
  FUZZ_CHECK(labels.labels.size() == labels.count);
  for (uint8_t label : labels.labels) FUZZ_CHECK(label <= 9);
}

// A file of our own for the gzip path, removed at exit.
const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = getenv("TMPDIR");
    std::string p = std::string(dir && *dir ? dir : "/tmp") + "/softedge-fuzz-idx-" +
                    std::to_string(getpid()) + ".gz";
    atexit([] { unlink(scratch_path().c_str()); });
    return p;
  }();
  return path;
}

void write_file(const std::string& path, const uint8_t* data, size_t size) {
  FILE* file = fopen(path.c_str(), "wb");
  FUZZ_CHECK(file != nullptr);
  FUZZ_CHECK(size == 0 || fwrite(data, 1, size, file) == size);
  FUZZ_CHECK(fclose(file) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string name = "fuzz-input.idx";
  try {
    check_images(host::parse_idx_images(data, size, name));
  } catch (const host::DataError& e) {
    FUZZ_CHECK(starts_with(e.what(), name + ": "));
  }
  try {
    check_labels(host::parse_idx_labels(data, size, name));
  } catch (const host::DataError& e) {
    FUZZ_CHECK(starts_with(e.what(), name + ": "));
  }

  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    // Reading a file costs a 1 MiB buffer and the decompression a few more: one reader per
    // input (by the size's parity) keeps the rate up; both see every kind of stream.
    const std::string& path = scratch_path();
    write_file(path, data, size);
    try {
      if (size % 2 == 0) {
        check_images(host::read_idx_images(path));
      } else {
        check_labels(host::read_idx_labels(path));
      }
    } catch (const host::DataError& e) {
      FUZZ_CHECK(starts_with(e.what(), path + ": "));
    }
  }
  return 0;
}
