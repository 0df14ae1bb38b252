// input_images.h — the pixels the benchmarks feed the models: images from an IDX file (the
// Fashion-MNIST test set, gunzipped), or a fixed pseudo-random set when none is given.
#ifndef SOFTEDGE_BENCH_DEVICE_INPUT_IMAGES_H
#define SOFTEDGE_BENCH_DEVICE_INPUT_IMAGES_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace device_bench {

struct InputImages {
  std::vector<uint8_t> pixels;  // count images of image_bytes each, back to back
  size_t count = 0;
  size_t image_bytes = 0;
  std::string description;      // where they came from, for the report
  // Image `index`, wrapping around the set; at() is the same for index < count (no division).
  const uint8_t* image(size_t index) const { return &pixels[(index % count) * image_bytes]; }
  const uint8_t* at(size_t index) const { return pixels.data() + index * image_bytes; }
};

// Reads at most `max_images` images from a raw (not gzipped) IDX3 ubyte file. On failure
// returns false and sets *error to "PATH: problem".
bool read_idx_images(const std::string& path, size_t max_images, InputImages* out,
                     std::string* error);

// `count` images of `image_bytes` from xorshift32 with a fixed seed: the same on every run and
// every device. Timing does not depend on pixel values (the kernels have no data-dependent
// branches); real images still make the reported classes meaningful.
InputImages pseudo_random_images(size_t image_bytes, size_t count);

}  // namespace device_bench

#endif
