// bounded_file.cpp — see bounded_file.h.
#include "softedge/host/bounded_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "softedge/host/file_io.h"

namespace softedge {
namespace host {
namespace {

FileError too_large(const std::string& path, size_t limit) {
  const std::string amount = limit >= (size_t{1} << 20) ? std::to_string(limit >> 20) + " MiB"
                                                         : std::to_string(limit) + " bytes";
  return FileError(path + ": larger than " + amount + ", more than the tool reads");
}

}  // namespace

std::vector<uint8_t> read_file_at_most(const std::string& path, size_t limit) {
  // stat first: a directory, a device or a FIFO (which would block with no writer) is named
  // as such before anything is opened.
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    throw FileError(path + ": cannot open: " + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) throw FileError(path + ": is a directory, not a file");
  if (!S_ISREG(info.st_mode)) {
    throw FileError(path + ": not a regular file (a device, FIFO or socket)");
  }
  if (static_cast<uint64_t>(info.st_size) > limit) throw too_large(path, limit);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  constexpr size_t kChunk = size_t{1} << 20;
  while (in) {
    const size_t old_size = bytes.size();
    bytes.resize(old_size + kChunk);
    in.read(reinterpret_cast<char*>(bytes.data() + old_size), static_cast<std::streamsize>(kChunk));
    bytes.resize(old_size + static_cast<size_t>(in.gcount()));
    if (bytes.size() > limit) throw too_large(path, limit);  // grew since the stat
  }
  if (in.bad()) throw FileError(path + ": read error: " + std::strerror(errno));
  return bytes;
}

}  // namespace host
}  // namespace softedge
