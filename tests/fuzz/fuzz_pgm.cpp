// fuzz_pgm.cpp — libFuzzer target: the PGM reader of `softedge predict IMAGE.pgm`
// (tools/src/pgm_reader.h), on any bytes.
//
// `softedge predict` asks for the model's input width x height; the target asks for 28 x 28
// (Fashion-MNIST) and for a size taken from the input's last two bytes (1..64 each), so both
// the "right size" and the "wrong size" paths are reached. The only exception allowed out is
// std::runtime_error with a message that starts with the file's name; a success returns
// exactly width x height pixels, which must fit in the input after the shortest header.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/tools/pgm_reader.h"

namespace {

#define FUZZ_CHECK(condition) \
  do {                        \
    if (!(condition)) __builtin_trap(); \
  } while (0)

void parse(const uint8_t* data, size_t size, uint32_t width, uint32_t height) {
  const std::string name = "fuzz-input.pgm";
  std::vector<uint8_t> pixels;
  try {
    pixels = softedge::tools::parse_pgm(data, size, name, width, height);
  } catch (const std::runtime_error& e) {
    FUZZ_CHECK(strncmp(e.what(), "fuzz-input.pgm: ", 16) == 0);
    return;
  }
  const size_t count = size_t{width} * height;
  FUZZ_CHECK(pixels.size() == count);
  // The shortest header is "P5" + 1 digit + separator + 1 digit + separator + "255" + one
  // whitespace byte: 10 bytes before the pixels.
  FUZZ_CHECK(size >= count + 10);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  parse(data, size, 28, 28);
  if (size >= 2) parse(data, size, 1 + data[size - 1] % 64, 1 + data[size - 2] % 64);
  return 0;
}
