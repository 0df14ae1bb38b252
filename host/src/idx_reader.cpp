// idx_reader.cpp — IDX files (MNIST / Fashion-MNIST), raw or gzip-compressed.
//
// A file is read whole into memory, decompressed in memory if it starts with the gzip magic
// (0x1f 0x8b; gunzip.h), then parsed.
// Every error is a DataError whose message starts with the file's name.
#include "softedge/host/idx_reader.h"

#include "gunzip.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include <sys/stat.h>

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

std::vector<uint8_t> read_whole_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                        &std::fclose);
  if (!file) throw DataError(path + ": cannot open: " + std::strerror(errno));
  // A regular file's size, plus one byte to see the end without growing: one allocation
  // instead of a doubling series of copies (page faults dominate loading on a VM).
  struct stat status {};
  size_t first_guess = size_t{1} << 20;
  if (fstat(fileno(file.get()), &status) == 0 && S_ISREG(status.st_mode) &&
      static_cast<uint64_t>(status.st_size) <= kMaxFileBytes) {
    first_guess = static_cast<size_t>(status.st_size) + 1;
  }
  std::vector<uint8_t> bytes(first_guess);
  size_t used = 0;
  for (;;) {
    if (used == bytes.size()) {
      if (bytes.size() > kMaxFileBytes) {
        throw DataError(path + ": too large: more than " + std::to_string(kMaxFileBytes) +
                        " bytes, not a Fashion-MNIST file");
      }
      bytes.resize(std::min(bytes.size() * 2, kMaxFileBytes + 1));
    }
    const size_t n = std::fread(bytes.data() + used, 1, bytes.size() - used, file.get());
    used += n;
    if (n == 0) break;
  }
  // A directory opens fine on Linux but fails to read (EISDIR).
  if (std::ferror(file.get())) throw DataError(path + ": cannot read: " + std::strerror(errno));
  bytes.resize(used);
  return bytes;
}

std::vector<uint8_t> read_maybe_gzipped(const std::string& path) {
  std::vector<uint8_t> bytes = read_whole_file(path);
  const bool gzipped = bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  if (gzipped) return gunzip(bytes, path, kMaxFileBytes);
  return bytes;
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
