// rgb_image.cpp — see rgb_image.h.
#include "softedge/host/rgb_image.h"

#include <algorithm>
#include <stdexcept>

#include "softedge/host/bitmap_font.h"
#include "softedge/host/file_io.h"

// stb's PNG writer, compiled here with internal linkage (no clash with another copy).
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb_image_write.h>

namespace softedge {
namespace host {

RgbImage::RgbImage(int width, int height, Rgb background)
    : width_(std::max(width, 1)), height_(std::max(height, 1)) {
  pixels_.resize(static_cast<size_t>(width_) * height_ * 3);
  fill_rect(0, 0, width_, height_, background);
}

Rgb RgbImage::at(int x, int y) const {
  const uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
  return {p[0], p[1], p[2]};
}

void RgbImage::fill_rect(int x, int y, int width, int height, Rgb colour) {
  const int x0 = std::max(x, 0), x1 = std::min(x + width, width_);
  const int y0 = std::max(y, 0), y1 = std::min(y + height, height_);
  for (int row = y0; row < y1; ++row) {
    uint8_t* p = &pixels_[(static_cast<size_t>(row) * width_ + x0) * 3];
    for (int col = x0; col < x1; ++col, p += 3) {
      p[0] = colour.r;
      p[1] = colour.g;
      p[2] = colour.b;
    }
  }
}

void RgbImage::frame(int x, int y, int width, int height, int thickness, Rgb colour) {
  const int t = thickness;
  fill_rect(x - t, y - t, width + 2 * t, t, colour);  // top
  fill_rect(x - t, y + height, width + 2 * t, t, colour);  // bottom
  fill_rect(x - t, y, t, height, colour);  // left
  fill_rect(x + width, y, t, height, colour);  // right
}

void RgbImage::grey_image(int x, int y, const uint8_t* grey, int rows, int cols, int scale) {
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const uint8_t v = grey[r * cols + c];
      fill_rect(x + c * scale, y + r * scale, scale, scale, {v, v, v});
    }
  }
}

void RgbImage::text(int x, int y, const std::string& text, int scale, Rgb colour) {
  for (char c : text) {
    const uint8_t* rows = glyph_rows(c);
    for (int r = 0; r < kGlyphRows; ++r) {
      for (int col = 0; col < kGlyphWidth; ++col) {
        if (rows[r] & (0x10 >> col)) {
          fill_rect(x + col * scale, y + r * scale, scale, scale, colour);
        }
      }
    }
    x += kGlyphAdvance * scale;
  }
}

int text_width(const std::string& text, int scale) {
  return text.empty() ? 0
                      : (static_cast<int>(text.size()) * kGlyphAdvance - 1) * scale;
}

int text_height(int scale) { return kGlyphRows * scale; }

std::vector<uint8_t> encode_png(const RgbImage& image) {
  std::vector<uint8_t> png;
  const auto append = [](void* context, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    const uint8_t* bytes = static_cast<const uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + size);
  };
  if (!stbi_write_png_to_func(append, &png, image.width(), image.height(), 3,
                              image.pixels().data(), image.width() * 3)) {
    throw std::runtime_error("PNG encoding failed (" + std::to_string(image.width()) + "x" +
                             std::to_string(image.height()) + " pixels)");
  }
  return png;
}

void write_png_file(const std::string& path, const RgbImage& image) {
  write_file_atomically(path, encode_png(image));
}

}  // namespace host
}  // namespace softedge
