// host_fixtures.h — fixture helpers shared by the host suites: a temporary directory, file
// writers, gzip, and IDX image/label files built in memory. Header-only (a .h, so the
// tests/host/*.cpp glob does not compile it on its own).
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

namespace fixtures {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// Writes `bytes` to `path` as they are; a failed write fails the test.
inline void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

inline Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Writes `bytes` gzip-compressed to `path`, through zlib's gzwrite.
inline void write_gz(const fs::path& path, const Bytes& bytes) {
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

// `data` gzip-compressed in memory (via a file, as gzwrite is the API we want to exercise).
inline Bytes gzip_bytes(const Bytes& data) {
  const fs::path p = fs::temp_directory_path() /
                     ("softedge-test-gz-" + std::to_string(::getpid()) + ".gz");
  write_gz(p, data);
  Bytes out = read_bytes(p);
  fs::remove(p);
  return out;
}

// A fresh directory under the system temp dir (mkdtemp, named `prefix`-XXXXXX), removed with
// everything in it at scope exit.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "softedge-test") {
    std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& root() const { return root_; }
  std::string path() const { return root_.string(); }

  // A subdirectory, created.
  std::string sub(const std::string& name) const {
    fs::create_directories(root_ / name);
    return (root_ / name).string();
  }
  // The file `name` in the directory, holding `bytes`; its path.
  std::string write(const std::string& name, const Bytes& bytes) const {
    const fs::path p = root_ / name;
    write_bytes(p, bytes);
    return p.string();
  }
  // The file `name` in the directory, holding `bytes` gzip-compressed; its path.
  std::string write_gz(const std::string& name, const Bytes& bytes) const {
    return write(name, gzip_bytes(bytes));
  }

 private:
  fs::path root_;
};

inline void put_be32(Bytes& b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
}

// Pixel i of the default image fixture: varied enough that a shifted or reordered read shows.
inline uint8_t varied_pixel(size_t i) { return static_cast<uint8_t>(i * 7 + i / 784); }

// An IDX images file (magic 2051) of `count` rows x cols images; pixel i (over all images,
// in file order) is `pixel(i)`.
template <class PixelFn,
          class = std::enable_if_t<std::is_invocable_r_v<uint8_t, PixelFn, size_t>>>
Bytes idx_images(uint32_t count, uint32_t rows, uint32_t cols, PixelFn pixel) {
  Bytes b;
  put_be32(b, 2051);
  put_be32(b, count);
  put_be32(b, rows);
  put_be32(b, cols);
  for (size_t i = 0; i < size_t{count} * rows * cols; ++i) b.push_back(pixel(i));
  return b;
}

// The same with every pixel equal to `fill`, so a test can tell files apart.
inline Bytes idx_images(uint32_t count, uint32_t rows, uint32_t cols, uint8_t fill) {
  return idx_images(count, rows, cols, [fill](size_t) { return fill; });
}

// The same with varied_pixel(i).
inline Bytes idx_images(uint32_t count, uint32_t rows = 28, uint32_t cols = 28) {
  return idx_images(count, rows, cols, varied_pixel);
}

// An IDX labels file (magic 2049) holding `values`.
inline Bytes idx_labels(const Bytes& values) {
  Bytes b;
  put_be32(b, 2049);
  put_be32(b, static_cast<uint32_t>(values.size()));
  b.insert(b.end(), values.begin(), values.end());
  return b;
}

// `count` labels 0, 1, ..., 9, 0, 1, ...
inline Bytes cycling_labels(uint32_t count) {
  Bytes values;
  for (uint32_t i = 0; i < count; ++i) values.push_back(static_cast<uint8_t>(i % 10));
  return values;
}

// Runs `f`, which should throw an `Error`: if it throws none, a failed check saying
// `expected` and "" returned. Otherwise its message, checked to start with `prefix` (unless
// that is empty) and to contain every one of `parts`, is returned.
template <class Error, class F>
std::string check_thrown(F&& f, const std::string& expected, const std::string& prefix,
                         std::initializer_list<std::string> parts) {
  std::string msg;
  try {
    f();
    FAIL_CHECK(expected);
    return msg;
  } catch (const Error& e) {
    msg = e.what();
  }
  INFO("message: " << msg);
  if (!prefix.empty()) CHECK(msg.rfind(prefix, 0) == 0);
  for (const std::string& part : parts) {
    INFO("expected to contain: " << part);
    CHECK(msg.find(part) != std::string::npos);
  }
  return msg;
}

}  // namespace fixtures
