// softedge/host/bounded_file.h — read a whole file only up to a size limit, so a huge or endless input
// (a device, a FIFO, a mistaken path) fails with a message instead of filling memory.
#ifndef SOFTEDGE_HOST_BOUNDED_FILE_H
#define SOFTEDGE_HOST_BOUNDED_FILE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace softedge {
namespace host {

// The file's bytes; throws train::FileError naming the file when it cannot be read, is not a
// regular file (directory, device, FIFO) or holds more than `limit` bytes.
std::vector<uint8_t> read_file_at_most(const std::string& path, size_t limit);

}  // namespace host
}  // namespace softedge

#endif
