// gallery_image.cpp — see gallery_image.h.
#include "softedge/host/gallery_image.h"

#include <algorithm>

namespace softedge {
namespace host {

namespace {

constexpr int kLabelScale = 2;
constexpr int kHeaderScale = 2;
constexpr int kHeaderLineHeight = 26;
constexpr int kImageSize = kGalleryImageSide * kGalleryScale;
constexpr int kLabelLineHeight = 20;

constexpr Rgb kBackground = {255, 255, 255};
constexpr Rgb kInk = {34, 34, 34};
constexpr Rgb kQuiet = {96, 96, 96};

// `text` cut to `max_width` pixels at `scale`, its last kept character replaced by '.'.
std::string fit(const std::string& text, int max_width, int scale) {
  if (text_width(text, scale) <= max_width) return text;
  std::string cut = text;
  while (!cut.empty() && text_width(cut + ".", scale) > max_width) cut.pop_back();
  return cut + ".";
}

void centred_text(RgbImage& image, int centre_x, int y, const std::string& text, int scale,
                  Rgb colour) {
  image.text(centre_x - text_width(text, scale) / 2, y, text, scale, colour);
}

}  // namespace

int GalleryLayout::header_height() const {
  return kMargin + header_lines * kHeaderLineHeight + (header_lines ? 10 : 0);
}

int GalleryLayout::image_x(size_t index) const {
  return kMargin + static_cast<int>(index % columns) * kTileWidth + (kTileWidth - kImageSize) / 2;
}

int GalleryLayout::image_y(size_t index) const {
  return header_height() + static_cast<int>(index / columns) * kTileHeight + kFrame;
}

GalleryLayout gallery_layout(size_t count, int columns, int header_lines) {
  GalleryLayout layout;
  layout.columns = std::max(1, columns);
  layout.rows = std::max<int>(1, static_cast<int>((count + layout.columns - 1) / layout.columns));
  layout.header_lines = header_lines;
  return layout;
}

RgbImage render_gallery(const std::vector<GalleryItem>& items, int columns,
                        const std::vector<std::string>& header) {
  const GalleryLayout layout =
      gallery_layout(items.size(), columns, static_cast<int>(header.size()));
  RgbImage image(layout.width(), layout.height(), kBackground);

  const int text_room = layout.width() - 2 * GalleryLayout::kMargin;
  for (size_t i = 0; i < header.size(); ++i) {
    const int scale = text_width(header[i], kHeaderScale) <= text_room ? kHeaderScale : 1;
    const int y = GalleryLayout::kMargin + static_cast<int>(i) * kHeaderLineHeight +
                  (text_height(kHeaderScale) - text_height(scale)) / 2;
    image.text(GalleryLayout::kMargin, y, fit(header[i], text_room, scale), scale,
               i == 0 ? kInk : kQuiet);
  }

  const int label_room = GalleryLayout::kTileWidth - 8;
  for (size_t i = 0; i < items.size(); ++i) {
    const GalleryItem& item = items[i];
    const int x = layout.image_x(i), y = layout.image_y(i);
    image.grey_image(x, y, item.pixels, kGalleryImageSide, kGalleryImageSide, kGalleryScale);
    if (!item.correct) {
      image.frame(x, y, kImageSize, kImageSize, GalleryLayout::kFrame, kMistakeRed);
    }
    const int centre = x + kImageSize / 2;
    const int label_y = y + kImageSize + GalleryLayout::kFrame + 8;
    centred_text(image, centre, label_y, fit(item.truth, label_room, kLabelScale), kLabelScale,
                 kInk);
    centred_text(image, centre, label_y + kLabelLineHeight,
                 fit(item.predicted, label_room, kLabelScale), kLabelScale,
                 item.correct ? kQuiet : kMistakeRed);
  }
  return image;
}

}  // namespace host
}  // namespace softedge
