#include "input_images.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace device_bench {
namespace {

uint32_t big_endian_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

bool read_idx_images(const std::string& path, size_t max_images, InputImages* out,
                     std::string* error) {
  auto fail = [&](const std::string& problem) {
    *error = path + ": " + problem;
    return false;
  };
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return fail(std::strerror(errno));
  uint8_t header[16];
  const size_t got = std::fread(header, 1, sizeof header, file);
  if (got >= 2 && header[0] == 0x1f && header[1] == 0x8b) {
    std::fclose(file);
    return fail("gzip-compressed; softedge-bench reads raw IDX files (gunzip -k it first)");
  }
  // IDX3 ubyte: magic 0x00000803, then count, rows, columns, big-endian.
  if (got != sizeof header || big_endian_u32(header) != 0x00000803u) {
    std::fclose(file);
    return fail("not an IDX3 ubyte image file (magic 0x00000803)");
  }
  const uint32_t count = big_endian_u32(header + 4);
  const uint32_t rows = big_endian_u32(header + 8);
  const uint32_t columns = big_endian_u32(header + 12);
  if (count == 0 || rows == 0 || columns == 0 || rows > 4096 || columns > 4096) {
    std::fclose(file);
    return fail("implausible IDX dimensions " + std::to_string(count) + " x " +
                std::to_string(rows) + " x " + std::to_string(columns));
  }
  out->image_bytes = size_t{rows} * columns;
  out->count = count < max_images ? count : max_images;
  out->pixels.resize(out->count * out->image_bytes);
  const size_t read = std::fread(out->pixels.data(), 1, out->pixels.size(), file);
  std::fclose(file);
  if (read != out->pixels.size()) {
    return fail("truncated: the header promises " + std::to_string(count) + " images of " +
                std::to_string(out->image_bytes) + " bytes");
  }
  out->description = path + " (" + std::to_string(out->count) + " of " + std::to_string(count) +
                     " images, " + std::to_string(rows) + "x" + std::to_string(columns) + ")";
  return true;
}

InputImages pseudo_random_images(size_t image_bytes, size_t count) {
  InputImages images;
  images.image_bytes = image_bytes;
  images.count = count;
  images.pixels.resize(image_bytes * count);
  uint32_t state = 2463534242u;  // Marsaglia's xorshift32 example seed
  for (uint8_t& pixel : images.pixels) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    pixel = static_cast<uint8_t>(state >> 24);
  }
  images.description = "pseudo-random (xorshift32, fixed seed, " + std::to_string(count) +
                       " images; pass --images FILE.idx for real ones)";
  return images;
}

}  // namespace device_bench
