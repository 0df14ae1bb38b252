// softedge/tools/pgm_reader.h — binary greyscale PGM ("P5", 8-bit) images, the input of `softedge predict`.
//
// Accepted: magic "P5", width, height and maxval 255 separated by whitespace, '#' comments
// (to the end of the line) anywhere between those fields, one whitespace byte, then exactly
// width x height pixel bytes, row by row (bytes after them are ignored, as netpbm allows
// several images in one file). Pixels are returned as stored: 0 is black, nothing inverted.
#ifndef SOFTEDGE_TOOLS_PGM_READER_H
#define SOFTEDGE_TOOLS_PGM_READER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace softedge {
namespace tools {

// Parses an image that must be `width` x `height`. Throws std::runtime_error starting with
// `name`: bad magic, malformed header, maxval other than 255, other size, truncated data.
std::vector<uint8_t> parse_pgm(const uint8_t* data, size_t size, const std::string& name,
                               uint32_t width, uint32_t height);

// Reads the file at `path` and parses it as above.
std::vector<uint8_t> read_pgm(const std::string& path, uint32_t width, uint32_t height);

}  // namespace tools
}  // namespace softedge

#endif
