// softedge/host/rgb_image.h — an 8-bit RGB raster to draw pictures in (rectangles, greyscale images scaled
// up, text in the bitmap font) and to save as PNG through stb_image_write (libstb-dev).
#ifndef SOFTEDGE_HOST_RGB_IMAGE_H
#define SOFTEDGE_HOST_RGB_IMAGE_H

#include <cstdint>
#include <string>
#include <vector>

namespace softedge {
namespace host {

struct Rgb {
  uint8_t r, g, b;
};

class RgbImage {
 public:
  RgbImage(int width, int height, Rgb background);

  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<uint8_t>& pixels() const { return pixels_; }  // rows top first, RGB
  Rgb at(int x, int y) const;

  // Drawing is clipped to the image: parts outside it are left out.
  void fill_rect(int x, int y, int width, int height, Rgb colour);
  // A frame `thickness` pixels wide just outside the rectangle (x, y, width, height).
  void frame(int x, int y, int width, int height, int thickness, Rgb colour);
  // A greyscale image (`rows` x `cols`, 0 black .. 255 white), each pixel a `scale` x `scale`
  // square, top-left corner at (x, y).
  void grey_image(int x, int y, const uint8_t* grey, int rows, int cols, int scale);
  // `text` in the bitmap font, each font pixel a `scale` x `scale` square; (x, y) is the
  // top-left corner of the first character cell.
  void text(int x, int y, const std::string& text, int scale, Rgb colour);

 private:
  int width_;
  int height_;
  std::vector<uint8_t> pixels_;
};

// Width in pixels of `text` drawn at `scale` (no trailing blank column).
int text_width(const std::string& text, int scale);
// Height of a text line at `scale`, descenders included.
int text_height(int scale);

// The image as a PNG file's bytes.
std::vector<uint8_t> encode_png(const RgbImage& image);
// Written atomically to `path`. Throws train::FileError naming the file.
void write_png_file(const std::string& path, const RgbImage& image);

}  // namespace host
}  // namespace softedge

#endif
