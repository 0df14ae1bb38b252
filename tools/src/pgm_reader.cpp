// pgm_reader.cpp — see pgm_reader.h.
#include "softedge/tools/pgm_reader.h"

#include <stdexcept>

#include "softedge/host/bounded_file.h"

namespace softedge {
namespace tools {

namespace {

bool is_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

class HeaderReader {
 public:
  HeaderReader(const uint8_t* data, size_t size, const std::string& name)
      : data_(data), size_(size), name_(name) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error(name_ + ": " + problem);
  }

  // The next header number, after any whitespace and comments.
  uint32_t number(const char* field) {
    skip_space_and_comments();
    uint64_t value = 0;
    size_t digits = 0;
    while (pos_ < size_ && data_[pos_] >= '0' && data_[pos_] <= '9') {
      value = value * 10 + (data_[pos_++] - '0');
      if (++digits > 9) fail(std::string("the PGM header's ") + field + " is too large");
    }
    if (digits == 0) {
      fail(pos_ >= size_ ? std::string("truncated PGM header: no ") + field
                         : std::string("malformed PGM header: expected the ") + field);
    }
    return static_cast<uint32_t>(value);
  }

  // The single whitespace byte that separates the header from the pixels.
  size_t pixels_start() {
    if (pos_ >= size_) fail("truncated PGM file: no pixel data after the header");
    if (!is_space(data_[pos_])) fail("malformed PGM header: expected whitespace after maxval");
    return pos_ + 1;
  }

 private:
  void skip_space_and_comments() {
    while (pos_ < size_) {
      if (is_space(data_[pos_])) {
        ++pos_;
      } else if (data_[pos_] == '#') {
        while (pos_ < size_ && data_[pos_] != '\n' && data_[pos_] != '\r') ++pos_;
      } else {
        break;
      }
    }
  }

  const uint8_t* data_;
  size_t size_;
  const std::string& name_;
  size_t pos_ = 2;  // after the magic
};

}  // namespace

std::vector<uint8_t> parse_pgm(const uint8_t* data, size_t size, const std::string& name,
                               uint32_t width, uint32_t height) {
  HeaderReader header(data, size, name);
  if (size < 2 || data[0] != 'P' || data[1] != '5') {
    header.fail("not a binary PGM image (it should start with \"P5\"; plain \"P2\" and "
                "colour formats are not supported)");
  }
  uint32_t file_width = header.number("width");
  uint32_t file_height = header.number("height");
  uint32_t maxval = header.number("maxval");
  if (maxval != 255) {
    header.fail("maxval is " + std::to_string(maxval) + ", but only 8-bit images (maxval 255) "
                "are supported");
  }
  if (file_width != width || file_height != height) {
    header.fail("the image is " + std::to_string(file_width) + "x" + std::to_string(file_height) +
                " pixels, the model needs " + std::to_string(width) + "x" + std::to_string(height));
  }
  size_t start = header.pixels_start();
  size_t pixel_count = static_cast<size_t>(width) * height;
  if (size - start < pixel_count) {
    header.fail("truncated PGM file: " + std::to_string(pixel_count) + " pixel bytes expected, " +
                std::to_string(size - start) + " found");
  }
  return std::vector<uint8_t>(data + start, data + start + pixel_count);
}

std::vector<uint8_t> read_pgm(const std::string& path, uint32_t width, uint32_t height) {
  // A header and width x height bytes; trailing images are ignored, so read no more than that.
  constexpr size_t kMaxPgmBytes = size_t{64} << 20;
  std::vector<uint8_t> bytes = host::read_file_at_most(path, kMaxPgmBytes);
  return parse_pgm(bytes.data(), bytes.size(), path, width, height);
}

}  // namespace tools
}  // namespace softedge
