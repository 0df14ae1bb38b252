// image_reader.cpp — see image_reader.h.
#include "softedge/tools/image_reader.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "softedge/host/bounded_file.h"
#include "softedge/tools/pgm_reader.h"

// stb's PNG and JPEG decoders, compiled here with internal linkage.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace softedge {
namespace tools {
namespace {

constexpr size_t kMaxImageFileBytes = size_t{64} << 20;
constexpr uint64_t kMaxImagePixels = uint64_t{16} << 20;

// One axis of the box filter: output i covers source [i * from / to, (i + 1) * from / to).
struct Span {
  uint32_t first, last;          // source indices touched
  double first_weight, last_weight;  // their partial coverage (inner pixels count 1)
};

Span span(uint32_t i, uint32_t from, uint32_t to) {
  const double begin = static_cast<double>(i) * from / to;
  const double end = static_cast<double>(i + 1) * from / to;
  Span s;
  s.first = static_cast<uint32_t>(begin);
  s.last = std::min(from - 1, static_cast<uint32_t>(std::ceil(end)) - 1);
  if (end - begin < 1.0) {  // enlarging: the nearest source pixel
    s.first = s.last = std::min(from - 1, static_cast<uint32_t>((begin + end) / 2));
    s.first_weight = s.last_weight = 1.0;
    return s;
  }
  s.first_weight = (s.first + 1) - begin;
  s.last_weight = s.first == s.last ? s.first_weight : end - s.last;
  return s;
}

double weight(const Span& s, uint32_t k) {
  return k == s.first ? s.first_weight : k == s.last ? s.last_weight : 1.0;
}

bool border_is_light(const std::vector<uint8_t>& pixels, uint32_t width, uint32_t height) {
  uint64_t sum = 0, count = 0;
  for (uint32_t y = 0; y < height; ++y) {
    for (uint32_t x = 0; x < width; ++x) {
      if (y != 0 && y + 1 != height && x != 0 && x + 1 != width) continue;
      sum += pixels[static_cast<size_t>(y) * width + x];
      ++count;
    }
  }
  return count != 0 && sum > 128 * count;
}

}  // namespace

std::vector<uint8_t> resample_box(const std::vector<uint8_t>& pixels, uint32_t from_width,
                                  uint32_t from_height, uint32_t to_width, uint32_t to_height) {
  std::vector<uint8_t> out(static_cast<size_t>(to_width) * to_height);
  for (uint32_t y = 0; y < to_height; ++y) {
    const Span sy = span(y, from_height, to_height);
    for (uint32_t x = 0; x < to_width; ++x) {
      const Span sx = span(x, from_width, to_width);
      double sum = 0.0, area = 0.0;
      for (uint32_t v = sy.first; v <= sy.last; ++v) {
        for (uint32_t u = sx.first; u <= sx.last; ++u) {
          const double w = weight(sy, v) * weight(sx, u);
          sum += w * pixels[static_cast<size_t>(v) * from_width + u];
          area += w;
        }
      }
      out[static_cast<size_t>(y) * to_width + x] = static_cast<uint8_t>(std::lround(sum / area));
    }
  }
  return out;
}

InputImage read_input_image(const std::string& path, uint32_t width, uint32_t height) {
  const std::vector<uint8_t> bytes = host::read_file_at_most(path, kMaxImageFileBytes);
  InputImage image;
  if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == '5') {
    image.pixels = parse_pgm(bytes.data(), bytes.size(), path, width, height);
  } else {
    const int size = static_cast<int>(bytes.size());
    int w = 0, h = 0, channels = 0;
    if (!stbi_info_from_memory(bytes.data(), size, &w, &h, &channels)) {
      throw std::runtime_error(path + ": not a PGM (P5), PNG or JPEG image (" +
                               stbi_failure_reason() + ")");
    }
    if (w <= 0 || h <= 0 || static_cast<uint64_t>(w) * static_cast<uint64_t>(h) > kMaxImagePixels) {
      throw std::runtime_error(path + ": " + std::to_string(w) + "x" + std::to_string(h) +
                               " pixels, more than the 16 M pixels predict reads");
    }
    std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
        stbi_load_from_memory(bytes.data(), size, &w, &h, &channels, 1), stbi_image_free);
    if (!decoded) {
      throw std::runtime_error(path + ": cannot decode the image: " + stbi_failure_reason());
    }
    image.pixels.assign(decoded.get(), decoded.get() + static_cast<size_t>(w) * h);
    if (channels >= 3) image.conversion = "colour -> luminance";
    const uint32_t uw = static_cast<uint32_t>(w), uh = static_cast<uint32_t>(h);
    if (uw != width || uh != height) {
      image.pixels = resample_box(image.pixels, uw, uh, width, height);
      image.conversion += std::string(image.conversion.empty() ? "" : ", ") + std::to_string(w) +
                          "x" + std::to_string(h) + " -> " + std::to_string(width) + "x" +
                          std::to_string(height) + " (box filter)";
    }
  }
  image.light_background = border_is_light(image.pixels, width, height);
  return image;
}

}  // namespace tools
}  // namespace softedge
