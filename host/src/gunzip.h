// gunzip.h — a whole gzip file decompressed in memory (private to the host library: the IDX
// reader's). Errors are DataErrors that name the file: truncated, corrupt, trailing bytes,
// too large.
#ifndef SOFTEDGE_HOST_GUNZIP_H
#define SOFTEDGE_HOST_GUNZIP_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace softedge {
namespace host {

// The decompressed bytes of the `size` bytes of gzip at `gzip` (one or more concatenated
// members), at most `max_bytes`.
std::vector<uint8_t> gunzip(const uint8_t* gzip, size_t size, const std::string& path,
                            size_t max_bytes);

}  // namespace host
}  // namespace softedge

#endif
