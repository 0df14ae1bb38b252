// softedge/host/file_io.h — read whole files and write them atomically (host side).
#ifndef SOFTEDGE_HOST_FILE_IO_H
#define SOFTEDGE_HOST_FILE_IO_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>


namespace softedge {
namespace host {


// Any failure to read or write a file; what() names the file and the problem.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whole file into memory.
std::vector<uint8_t> read_file(const std::string& path);

// `size` bytes (zeroed) for a large file's contents, backed by transparent huge pages where the
// system offers them: ~25 page faults instead of ~11,500 for the 47 MB of training images (a
// fault is expensive in a VM), and no TLB miss per row when training reads the rows at random.
std::vector<uint8_t> huge_page_bytes(size_t size);

// Writes to PATH.tmp-XXXXXX in the same directory, fsyncs, then renames over `path`: either
// the new file is complete at `path` or the old one is untouched. A symbolic link is followed
// (its target is replaced, the link stays); "-" (standard output), character devices and
// FIFOs are written directly; any other non-regular file is refused.
void write_file_atomically(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace host
}  // namespace softedge

#endif
