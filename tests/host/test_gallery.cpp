// test_gallery.cpp — the pieces of `softedge gallery`: the hand-drawn bitmap font, the RGB
// image and its PNG encoding, and the gallery layout (sizes, red frames around mistakes).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "softedge/host/bitmap_font.h"
#include "softedge/host/gallery_image.h"
#include "softedge/host/rgb_image.h"

namespace host = softedge::host;

namespace {

bool is_red(host::Rgb p) {
  return p.r >= 180 && p.g <= 70 && p.b <= 70;
}

// Whether any pixel of the rectangle is red.
bool has_red(const host::RgbImage& image, int x, int y, int width, int height) {
  for (int row = y; row < y + height; ++row) {
    for (int col = x; col < x + width; ++col) {
      if (is_red(image.at(col, row))) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("bitmap font: every printable character has its own glyph") {
  std::set<std::vector<uint8_t>> seen;
  for (char c = '!'; c <= '~'; ++c) {
    CAPTURE(c);
    const uint8_t* rows = host::glyph_rows(c);
    std::vector<uint8_t> glyph(rows, rows + host::kGlyphRows);
    bool any = false;
    for (uint8_t row : glyph) {
      CHECK((row & ~0x1f) == 0);  // 5 columns wide
      any = any || row != 0;
    }
    CHECK(any);
    CHECK(seen.insert(glyph).second);  // no two characters look the same
  }
  for (int r = 0; r < host::kGlyphRows; ++r) CHECK(host::glyph_rows(' ')[r] == 0);
  // Outside printable ASCII: a box, not nothing.
  CHECK(host::glyph_rows('\x01')[0] != 0);
  CHECK(host::glyph_rows('\xc3')[0] != 0);
}

TEST_CASE("RgbImage: clipped drawing, text size, PNG signature") {
  host::RgbImage image(40, 20, {255, 255, 255});
  image.fill_rect(-5, -5, 10, 10, {0, 0, 0});  // partly outside: clipped, no crash
  CHECK(image.at(4, 4).r == 0);
  CHECK(image.at(5, 5).r == 255);
  image.frame(10, 5, 10, 10, 2, {255, 0, 0});
  CHECK(is_red(image.at(9, 9)));    // left side of the frame
  CHECK(is_red(image.at(20, 14)));  // right side
  CHECK(image.at(12, 9).r == 255);  // inside stays
  CHECK(image.at(12, 9).g == 255);

  CHECK(host::text_width("", 2) == 0);
  CHECK(host::text_width("A", 1) == 5);
  CHECK(host::text_width("Ab", 2) == 22);  // 2 x (6 + 5)
  host::RgbImage text(host::text_width("Hi", 1), host::text_height(1), {255, 255, 255});
  text.text(0, 0, "Hi", 1, {0, 0, 0});
  CHECK(text.at(0, 0).r == 0);  // the H's top-left pixel

  const std::vector<uint8_t> png = host::encode_png(image);
  REQUIRE(png.size() > 8);
  CHECK(std::string(png.begin(), png.begin() + 8) == "\x89PNG\r\n\x1a\n");
}

TEST_CASE("gallery: the grid's size, images in place, mistakes framed in red") {
  std::vector<std::vector<uint8_t>> pictures;
  for (int i = 0; i < 5; ++i) pictures.emplace_back(28 * 28, static_cast<uint8_t>(40 * i + 20));
  std::vector<host::GalleryItem> items;
  for (int i = 0; i < 5; ++i) {
    const bool correct = i != 1 && i != 4;
    items.push_back({pictures[i].data(), "Ankle boot", correct ? "Ankle boot" : "Sneaker",
                     correct});
  }
  const std::vector<std::string> header = {"five images", "second line"};
  const host::RgbImage image = host::render_gallery(items, 3, header);
  const host::GalleryLayout layout = host::gallery_layout(items.size(), 3, 2);
  CHECK(layout.rows == 2);
  CHECK(image.width() == layout.width());
  CHECK(image.height() == layout.height());
  CHECK(image.width() == 2 * host::GalleryLayout::kMargin + 3 * host::GalleryLayout::kTileWidth);

  const int side = host::kGalleryImageSide * host::kGalleryScale;
  const int frame = host::GalleryLayout::kFrame;
  for (size_t i = 0; i < items.size(); ++i) {
    CAPTURE(i);
    const int x = layout.image_x(i), y = layout.image_y(i);
    // The image, enlarged, where the layout says.
    CHECK(image.at(x, y).r == pictures[i][0]);
    CHECK(image.at(x + side - 1, y + side - 1).g == pictures[i][0]);
    CHECK(x - frame >= 0);
    CHECK(x + side + frame <= image.width());
    CHECK(y + side + frame <= image.height());
    // A red frame on all four sides for a mistake, none for a right answer.
    const bool wrong = !items[i].correct;
    CHECK(has_red(image, x - frame, y + side / 2, frame, 1) == wrong);         // left
    CHECK(has_red(image, x + side, y + side / 2, frame, 1) == wrong);          // right
    CHECK(has_red(image, x + side / 2, y - frame, 1, frame) == wrong);         // top
    CHECK(has_red(image, x + side / 2, y + side, 1, frame) == wrong);          // bottom
    // The labels under the image: the prediction is written in red for a mistake only.
    const int label_top = y + side + frame + 1;
    CHECK(has_red(image, x - 10, label_top, side + 20, 50) == wrong);
  }
}
