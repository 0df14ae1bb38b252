// idx_reader.cpp — IDX files (MNIST / Fashion-MNIST), raw or gzip-compressed.
//
// A file is mapped (or read) whole, decompressed in memory if it starts with the gzip magic
// (0x1f 0x8b; gunzip.h), then parsed.
// Every error is a DataError whose message starts with the file's name.
#include "softedge/host/idx_reader.h"

#include "gunzip.h"
#include "softedge/host/file_io.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace softedge {
namespace host {
namespace {

constexpr uint32_t kImagesMagic = 2051;  // 0x00000803: unsigned bytes, 3 dimensions
constexpr uint32_t kLabelsMagic = 2049;  // 0x00000801: unsigned bytes, 1 dimension
constexpr size_t kImagesHeader = 16;     // magic, count, rows, cols
constexpr size_t kLabelsHeader = 8;      // magic, count
constexpr uint32_t kRequiredSide = 28;
constexpr uint8_t kMaxLabel = 9;

// Fashion-MNIST's largest file is 47 MB decompressed. Anything past 1 GiB is not a data set we
// can train on, and the cap keeps a hostile or mistaken file (a gzip bomb, /dev/zero) from
// eating all memory.
constexpr size_t kMaxFileBytes = size_t{1} << 30;

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

std::string hex(unsigned v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, v);
  return buf;
}

// What a magic number says the file is, so "wrong magic" also says what was given instead.
std::string describe_magic(const uint8_t* p) {
  const uint32_t magic = be32(p);
  if (magic == kImagesMagic) return "2051 (an IDX images file)";
  if (magic == kLabelsMagic) return "2049 (an IDX labels file)";
  if (p[0] == 0x1f && p[1] == 0x8b) return hex(magic, 8) + " (gzip data, not yet decompressed)";
  if (p[0] == 0 && p[1] == 0) {  // IDX, but another element type or number of dimensions
    return std::to_string(magic) + " (an IDX file of type " + hex(p[2], 2) + " with " +
           std::to_string(p[3]) + " dimensions)";
  }
  return hex(magic, 8) + " (not an IDX file)";
}

// Checks the header's magic and that the buffer holds at least the header.
void check_header(const uint8_t* data, size_t size, const std::string& name, uint32_t magic,
                  size_t header_size, const char* kind) {
  // Magic first when we have it: a labels file given as images is better reported as such
  // than as a short header.
  if (size >= 4 && be32(data) != magic) {
    throw DataError(name + ": not an IDX " + kind + " file: magic number is " +
                    describe_magic(data) + ", expected " + std::to_string(magic) + " (IDX " +
                    kind + ")");
  }
  if (size < header_size) {
    throw DataError(name + ": truncated header: file has " + std::to_string(size) +
                    " bytes, an IDX " + kind + " header needs " + std::to_string(header_size));
  }
}

// Checks that exactly `expected` payload bytes follow the header.
void check_payload(size_t size, size_t header_size, uint64_t expected, const std::string& name,
                   const std::string& what) {
  const uint64_t found = size - header_size;
  if (found < expected) {
    throw DataError(name + ": truncated: expected " + std::to_string(expected) + " bytes of " +
                    what + ", found " + std::to_string(found));
  }
  if (found > expected) {
    throw DataError(name + ": trailing garbage: " + std::to_string(found - expected) +
                    " bytes after the expected " + std::to_string(expected) + " bytes of " +
                    what);
  }
}

DataError too_large(const std::string& path) {
  return DataError(path + ": too large: more than " + std::to_string(kMaxFileBytes) +
                   " bytes, not a Fashion-MNIST file");
}

// The bytes of a whole file. A regular file is mapped read-only with its pages populated up
// front: the page cache itself, no copy into freshly faulted memory (2 ms instead of ~130 ms for
// the 26 MB of training images here). Anything else (a pipe, a device, an empty file) is read,
// up to the cap.
class WholeFile {
 public:
  explicit WholeFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DataError(path + ": cannot open: " + std::strerror(errno));
    const struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat status {};
    if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && status.st_size > 0) {
      if (static_cast<uint64_t>(status.st_size) > kMaxFileBytes) throw too_large(path);
      const size_t size = static_cast<size_t>(status.st_size);
      void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | kPopulate, fd, 0);
      if (map != MAP_FAILED) {
        map_ = map;
        size_ = size;
        return;
      }
    }
    read_all(fd, path);
  }
  ~WholeFile() {
    if (map_ != nullptr) ::munmap(map_, size_);
  }
  WholeFile(const WholeFile&) = delete;
  WholeFile& operator=(const WholeFile&) = delete;

  const uint8_t* data() const {
    return map_ != nullptr ? static_cast<const uint8_t*>(map_) : read_.data();
  }
  size_t size() const { return map_ != nullptr ? size_ : read_.size(); }

 private:
#ifdef MAP_POPULATE
  static constexpr int kPopulate = MAP_POPULATE;
#else
  static constexpr int kPopulate = 0;
#endif

  void read_all(int fd, const std::string& path) {
    read_.resize(size_t{1} << 20);
    size_t used = 0;
    for (;;) {
      if (used == read_.size()) {
        if (read_.size() > kMaxFileBytes) throw too_large(path);
        read_.resize(std::min(read_.size() * 2, kMaxFileBytes + 1));
      }
      const ssize_t n = ::read(fd, read_.data() + used, read_.size() - used);
      if (n < 0 && errno == EINTR) continue;
      // A directory opens fine on Linux but fails to read (EISDIR).
      if (n < 0) throw DataError(path + ": cannot read: " + std::strerror(errno));
      if (n == 0) break;
      used += static_cast<size_t>(n);
    }
    read_.resize(used);
  }

  void* map_ = nullptr;
  size_t size_ = 0;
  std::vector<uint8_t> read_;
};

std::vector<uint8_t> read_maybe_gzipped(const std::string& path) {
  const WholeFile file(path);
  const uint8_t* bytes = file.data();
  const size_t size = file.size();
  const bool gzipped = size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  if (gzipped) return gunzip(bytes, size, path, kMaxFileBytes);
  std::vector<uint8_t> copy = huge_page_bytes(size);
  if (size != 0) std::memcpy(copy.data(), bytes, size);
  return copy;
}

// The images of a whole IDX file, checked; the pixels are the file's bytes after the header,
// moved rather than copied (47 MB for the training set).
IdxImages images_of_file(std::vector<uint8_t> bytes, const std::string& name) {
  const uint8_t* data = bytes.data();
  const size_t size = bytes.size();
  check_header(data, size, name, kImagesMagic, kImagesHeader, "images");
  IdxImages images;
  images.count = be32(data + 4);
  images.rows = be32(data + 8);
  images.cols = be32(data + 12);
  if (images.rows != kRequiredSide || images.cols != kRequiredSide) {
    throw DataError(name + ": images are " + std::to_string(images.rows) + "x" +
                    std::to_string(images.cols) + ", expected 28x28 (Fashion-MNIST)");
  }
  // 64-bit: a u32 count times two u32 sides cannot wrap here, whatever the header claims.
  const uint64_t expected = uint64_t{images.count} * images.rows * images.cols;
  check_payload(size, kImagesHeader, expected, name,
                "pixels (" + std::to_string(images.count) + " images of 28x28)");
  bytes.erase(bytes.begin(), bytes.begin() + kImagesHeader);
  images.pixels = std::move(bytes);
  return images;
}

}  // namespace

IdxImages parse_idx_images(const uint8_t* data, size_t size, const std::string& name) {
  return images_of_file(std::vector<uint8_t>(data, data + size), name);
}

IdxLabels parse_idx_labels(const uint8_t* data, size_t size, const std::string& name) {
  check_header(data, size, name, kLabelsMagic, kLabelsHeader, "labels");
  IdxLabels labels;
  labels.count = be32(data + 4);
  check_payload(size, kLabelsHeader, labels.count, name, "labels");
  const uint8_t* values = data + kLabelsHeader;
  for (uint32_t i = 0; i < labels.count; ++i) {
    if (values[i] > kMaxLabel) {
      throw DataError(name + ": bad label at index " + std::to_string(i) + ": " +
                      std::to_string(values[i]) + ", expected 0..9");
    }
  }
  labels.labels.assign(values, values + labels.count);
  return labels;
}

IdxImages read_idx_images(const std::string& path) {
  return images_of_file(read_maybe_gzipped(path), path);
}

IdxLabels read_idx_labels(const std::string& path) {
  const std::vector<uint8_t> bytes = read_maybe_gzipped(path);
  return parse_idx_labels(bytes.data(), bytes.size(), path);
}

}  // namespace host
}  // namespace softedge
