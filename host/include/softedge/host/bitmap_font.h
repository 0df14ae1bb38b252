// softedge/host/bitmap_font.h — a tiny 5x7 pixel font (with two rows of descenders) for writing labels
// into raster pictures, hand-drawn for printable ASCII (' ' to '~').
#ifndef SOFTEDGE_HOST_BITMAP_FONT_H
#define SOFTEDGE_HOST_BITMAP_FONT_H

#include <cstdint>

namespace softedge {
namespace host {

constexpr int kGlyphWidth = 5;
constexpr int kGlyphRows = 9;     // 7 rows of capitals and digits, then 2 of descenders
constexpr int kGlyphAdvance = 6;  // one blank column between characters

// The kGlyphRows rows of character `c`, top first; bit 4 of a row is its leftmost pixel.
// Characters outside printable ASCII get a hollow box.
const uint8_t* glyph_rows(char c);

}  // namespace host
}  // namespace softedge

#endif
