// Whole-file reads and atomic writes, with errors that name the file.
#include "softedge/host/file_io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "softedge/host/output_paths.h"

namespace softedge {
namespace host {
namespace {

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::vector<uint8_t>& bytes, const std::string& path,
               const std::string& temp) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = errno_text();
      ::close(fd);
      if (!temp.empty()) ::unlink(temp.c_str());
      throw FileError(path + ": write failed: " + reason);
    }
    written += static_cast<size_t>(n);
  }
}

// Standard output ("-"), a terminal, /dev/null or a FIFO: nothing to replace, write in place.
bool write_in_place(const std::string& path, const std::string& target,
                    const std::vector<uint8_t>& bytes) {
  int fd = -1;
  if (is_standard_output(path)) {
    std::fflush(stdout);
    fd = ::dup(STDOUT_FILENO);
  } else {
    struct stat info;
    if (::stat(target.c_str(), &info) != 0) return false;
    if (S_ISREG(info.st_mode)) return false;
    if (!S_ISCHR(info.st_mode) && !S_ISFIFO(info.st_mode)) {
      throw FileError(path + ": not a regular file: refusing to replace it");
    }
    fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
  }
  if (fd < 0) throw FileError(path + ": cannot open for writing: " + errno_text());
  write_all(fd, bytes, path, "");
  if (::close(fd) != 0) throw FileError(path + ": could not finish writing: " + errno_text());
  return true;
}

}  // namespace

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path + ": cannot open: " + errno_text());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw FileError(path + ": read error: " + errno_text());
  return bytes;
}

std::vector<uint8_t> huge_page_bytes(size_t size) {
  std::vector<uint8_t> bytes;
  bytes.reserve(size);  // allocated, not yet touched: the advice comes before the first fault
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(bytes.data()) + page - 1) & ~(page - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(bytes.data()) + size;
  // Only a hint: without huge pages (another kernel, another OS) the pages are just smaller.
#ifdef MADV_HUGEPAGE
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)begin;
  (void)end;
#endif
  bytes.resize(size);
  return bytes;
}

void write_file_atomically(const std::string& path, const std::vector<uint8_t>& bytes) {
  // A symbolic link stays a link: its target is what gets replaced.
  const std::string target = output_target(path);
  if (write_in_place(path, target, bytes)) return;
  std::string temp = target + ".tmp-XXXXXX";
  const int fd = mkstemp(&temp[0]);
  if (fd < 0) throw FileError(path + ": cannot create a temporary file beside it: " + errno_text());
  write_all(fd, bytes, path, temp);
  // mkstemp creates 0600; a model is an ordinary file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const bool ok = ::fchmod(fd, 0666 & ~mask) == 0 && ::fsync(fd) == 0;
  const std::string reason = errno_text();
  if (::close(fd) != 0 || !ok) {
    ::unlink(temp.c_str());
    throw FileError(path + ": could not finish writing: " + reason);
  }
  if (std::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string rename_reason = errno_text();
    ::unlink(temp.c_str());
    throw FileError(path + ": cannot replace: " + rename_reason);
  }
}

}  // namespace host
}  // namespace softedge
