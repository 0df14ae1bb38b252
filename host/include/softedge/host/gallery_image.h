// softedge/host/gallery_image.h — a grid of 28x28 greyscale images with their true and predicted labels,
// mistakes marked: a red frame around the image and the prediction in red (d2l's
// predict_ch3, as a PNG).
#ifndef SOFTEDGE_HOST_GALLERY_IMAGE_H
#define SOFTEDGE_HOST_GALLERY_IMAGE_H

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/host/rgb_image.h"

namespace softedge {
namespace host {

struct GalleryItem {
  const uint8_t* pixels;  // 28 x 28, row by row, 0 black .. 255 white
  std::string truth;      // the true class's name
  std::string predicted;  // the predicted class's name
  bool correct;
};

constexpr int kGalleryImageSide = 28;
constexpr int kGalleryScale = 4;  // each image pixel becomes 4 x 4
constexpr Rgb kMistakeRed = {210, 24, 28};

// Where things go: fixed-size tiles in `columns` columns, under a header of `header_lines`
// text lines.
struct GalleryLayout {
  int columns = 1;
  int rows = 1;
  int header_lines = 0;

  static constexpr int kMargin = 16;
  static constexpr int kTileWidth = 144;   // fits 11 characters of label text
  static constexpr int kTileHeight = 178;  // image, frame, two label lines, gap
  static constexpr int kFrame = 4;         // the mistake frame around the image

  int header_height() const;
  int width() const { return 2 * kMargin + columns * kTileWidth; }
  int height() const { return header_height() + rows * kTileHeight + kMargin; }
  // Top-left corner of item `index`'s scaled image (its frame is just outside).
  int image_x(size_t index) const;
  int image_y(size_t index) const;
};

GalleryLayout gallery_layout(size_t count, int columns, int header_lines);

// The picture: `header` lines of text at the top (smaller when a line would not fit), then
// `items` left to right, top to bottom. Labels longer than a tile are cut with a '.'.
RgbImage render_gallery(const std::vector<GalleryItem>& items, int columns,
                        const std::vector<std::string>& header);

}  // namespace host
}  // namespace softedge

#endif
