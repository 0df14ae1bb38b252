// Whole-file reads and atomic writes, with errors that name the file.
#include "model_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace softedge {
namespace train {
namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path + ": cannot open: " + errno_text());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw FileError(path + ": read error: " + errno_text());
  return bytes;
}

void write_file_atomically(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(&temp[0]);
  if (fd < 0) throw FileError(path + ": cannot create a temporary file beside it: " + errno_text());
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = errno_text();
      ::close(fd);
      ::unlink(temp.c_str());
      throw FileError(path + ": write failed: " + reason);
    }
    written += static_cast<size_t>(n);
  }
  // mkstemp creates 0600; a model is an ordinary file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const bool ok = ::fchmod(fd, 0666 & ~mask) == 0 && ::fsync(fd) == 0;
  const std::string reason = errno_text();
  if (::close(fd) != 0 || !ok) {
    ::unlink(temp.c_str());
    throw FileError(path + ": could not finish writing: " + reason);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string rename_reason = errno_text();
    ::unlink(temp.c_str());
    throw FileError(path + ": cannot replace: " + rename_reason);
  }
}

}  // namespace train
}  // namespace softedge
