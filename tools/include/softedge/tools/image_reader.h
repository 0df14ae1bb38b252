// softedge/tools/image_reader.h — the input of `softedge predict IMAGE`: a binary PGM (exact size, pixels as
// stored), or a PNG or JPEG of any size, grey or colour, brought to the model's input:
//  - colour becomes luminance with stb_image's integer weights, (77 R + 150 G + 29 B) / 256
//    (ITU-R BT.601); an alpha channel is ignored;
//  - another size is resampled with a box filter: each output pixel is the area-weighted mean
//    of the source pixels it covers (exact for whole-number reductions, e.g. 56 -> 28), the
//    nearest source pixel's value when enlarging.
#ifndef SOFTEDGE_TOOLS_IMAGE_READER_H
#define SOFTEDGE_TOOLS_IMAGE_READER_H

#include <cstdint>
#include <string>
#include <vector>

namespace softedge {
namespace tools {

struct InputImage {
  std::vector<uint8_t> pixels;  // width x height, row by row
  std::string conversion;       // "" or what was done, e.g. "colour -> luminance, 300x200 -> 28x28"
  bool light_background = false;  // border brighter than mid-grey: Fashion-MNIST is the reverse
};

// Throws std::runtime_error naming `path`: not a PGM/PNG/JPEG, corrupt, larger than the caps
// (64 MiB file, 16 M pixels), or a PGM of another size.
InputImage read_input_image(const std::string& path, uint32_t width, uint32_t height);

// Area-weighted box resampling of a greyscale image (exposed for tests).
std::vector<uint8_t> resample_box(const std::vector<uint8_t>& pixels, uint32_t from_width,
                                  uint32_t from_height, uint32_t to_width, uint32_t to_height);

}  // namespace tools
}  // namespace softedge

#endif
