// idx_reader.cpp — IDX files (MNIST / Fashion-MNIST), raw or gzip-compressed.
//
// A file is read whole into memory, decompressed in memory if it starts with the gzip magic
// (0x1f 0x8b), then parsed. Decompressing with zlib's inflate() rather than gzread() lets us
// tell a corrupt stream from a truncated one, and reject bytes after the gzip stream.
// Every error is a DataError whose message starts with the file's name.
#include "softedge/host/idx_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>

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

uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
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
  std::vector<uint8_t> bytes(size_t{1} << 20);
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

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in, const std::string& path) {
  if (in.size() > UINT_MAX) throw DataError(path + ": too large for zlib");
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {  // 16+: expect a gzip wrapper, check CRC
    throw DataError(path + ": cannot initialise zlib");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> cleanup(&zs, &inflateEnd);

  // The gzip trailer's last 4 bytes hold the size mod 2^32: a good first guess, capped by
  // deflate's best ratio (~1032:1) so a lying trailer cannot make us allocate much.
  // The +1 leaves room to see the end of the stream without growing the buffer.
  uint64_t guess = uint64_t{1} << 16;
  if (in.size() >= 18) {
    guess = std::min(uint64_t{in.size()} * 1032, uint64_t{le32(in.data() + in.size() - 4)} + 1);
  }
  std::vector<uint8_t> out(static_cast<size_t>(std::min<uint64_t>(guess, kMaxFileBytes + 1)));
  size_t produced = 0;
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  for (;;) {
    if (produced == out.size()) {
      if (out.size() > kMaxFileBytes) {
        throw DataError(path + ": too large: decompresses to more than " +
                        std::to_string(kMaxFileBytes) + " bytes, not a Fashion-MNIST file");
      }
      out.resize(std::min(out.size() * 2, kMaxFileBytes + 1));
    }
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, UINT_MAX));
    const int ret = inflate(&zs, Z_NO_FLUSH);
    produced = static_cast<size_t>(zs.next_out - out.data());
    if (ret == Z_OK) continue;
    if (ret == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Concatenated gzip members are valid gzip (gunzip reads them all); anything else is junk.
      if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      throw DataError(path + ": trailing garbage: " + std::to_string(zs.avail_in) +
                      " bytes after the end of the gzip stream");
    }
    if (ret == Z_BUF_ERROR) {  // no progress possible: the input ran out mid-stream
      throw DataError(path + ": truncated gzip stream: input ended after " +
                      std::to_string(in.size()) + " compressed bytes (" +
                      std::to_string(produced) + " bytes decompressed so far)");
    }
    if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT) {
      throw DataError(path + ": corrupt gzip data: " + (zs.msg ? zs.msg : "invalid stream") +
                      " (after " + std::to_string(produced) + " bytes decompressed)");
    }
    if (ret == Z_MEM_ERROR) throw DataError(path + ": out of memory while decompressing");
    throw DataError(path + ": zlib error " + std::to_string(ret) + " while decompressing");
  }
  out.resize(produced);
  return out;
}

std::vector<uint8_t> read_maybe_gzipped(const std::string& path) {
  std::vector<uint8_t> bytes = read_whole_file(path);
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return gunzip(bytes, path);
  return bytes;
}

}  // namespace

IdxImages parse_idx_images(const uint8_t* data, size_t size, const std::string& name) {
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
  images.pixels.assign(data + kImagesHeader, data + size);
  return images;
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
  const std::vector<uint8_t> bytes = read_maybe_gzipped(path);
  return parse_idx_images(bytes.data(), bytes.size(), path);
}

IdxLabels read_idx_labels(const std::string& path) {
  const std::vector<uint8_t> bytes = read_maybe_gzipped(path);
  return parse_idx_labels(bytes.data(), bytes.size(), path);
}

}  // namespace host
}  // namespace softedge
