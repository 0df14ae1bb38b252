// test_idx_reader.cpp — IDX parsing and reading, raw and gzip, on fixtures written here.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

#include "host_fixtures.h"
#include "softedge/host/file_io.h"
#include "softedge/host/idx_reader.h"

using namespace softedge::host;

namespace {

using fixtures::Bytes;
using fixtures::gzip_bytes;
using fixtures::idx_images;  // pixel i is fixtures::varied_pixel(i)
using fixtures::idx_labels;

// A temporary directory for this suite.
struct TempDir : fixtures::TempDir {
  TempDir() : fixtures::TempDir("softedge-test-idx") {}
};

// The DataError `f` throws (a failed check if it throws none), checked to start with `file`
// and to contain every one of `parts`.
template <class F>
void check_error(F&& f, const std::string& file, std::initializer_list<std::string> parts) {
  fixtures::check_thrown<DataError>(f, "expected a DataError about " + file, file + ": ", parts);
}

}  // namespace

TEST_CASE("idx_reader: parses images and labels from memory, exact bytes") {
  const Bytes img = idx_images(3);
  const IdxImages images = parse_idx_images(img.data(), img.size(), "mem");
  CHECK(images.count == 3);
  CHECK(images.rows == 28);
  CHECK(images.cols == 28);
  REQUIRE(images.pixels.size() == 3 * 784);
  for (size_t i = 0; i < images.pixels.size(); ++i) {
    if (images.pixels[i] != fixtures::varied_pixel(i)) FAIL("pixel " << i << " differs");
  }

  const Bytes lab = idx_labels({0, 9, 4});
  const IdxLabels labels = parse_idx_labels(lab.data(), lab.size(), "mem");
  CHECK(labels.count == 3);
  CHECK(labels.labels == Bytes{0, 9, 4});
}

TEST_CASE("idx_reader: raw and gzip files read identically") {
  TempDir dir;
  const Bytes img = idx_images(3);
  const Bytes lab = idx_labels({7, 0, 9});
  const IdxImages raw_images = read_idx_images(dir.write("images", img));
  const IdxImages gz_images = read_idx_images(dir.write_gz("images.gz", img));
  CHECK(raw_images.count == 3);
  CHECK(gz_images.count == 3);
  CHECK(raw_images.pixels == Bytes(img.begin() + 16, img.end()));
  CHECK(gz_images.pixels == raw_images.pixels);

  const IdxLabels raw_labels = read_idx_labels(dir.write("labels", lab));
  const IdxLabels gz_labels = read_idx_labels(dir.write_gz("labels.gz", lab));
  CHECK(raw_labels.labels == Bytes{7, 0, 9});
  CHECK(gz_labels.labels == raw_labels.labels);
}

TEST_CASE("idx_reader: gzip detected by content, not by file name") {
  TempDir dir;
  const Bytes img = idx_images(2);
  CHECK(read_idx_images(dir.write_gz("no-suffix", img)).pixels ==
        Bytes(img.begin() + 16, img.end()));
  CHECK(read_idx_images(dir.write("raw.gz", img)).count == 2);
}

TEST_CASE("idx_reader: concatenated gzip members read as one stream") {
  TempDir dir;
  const Bytes img = idx_images(3);
  const Bytes first(img.begin(), img.begin() + 1000), second(img.begin() + 1000, img.end());
  Bytes both = gzip_bytes(first);
  const Bytes tail = gzip_bytes(second);
  both.insert(both.end(), tail.begin(), tail.end());
  CHECK(read_idx_images(dir.write("two-members.gz", both)).pixels ==
        Bytes(img.begin() + 16, img.end()));
}

TEST_CASE("idx_reader: wrong magic names what was found and what was expected") {
  TempDir dir;
  Bytes img = idx_images(1);
  img[0] = 0x12, img[1] = 0x34, img[2] = 0x56, img[3] = 0x78;
  const std::string path = dir.write("junk", img);
  check_error([&] { read_idx_images(path); }, path,
              {"not an IDX images file", "0x12345678", "expected 2051"});

  Bytes floats = idx_images(1);
  floats[2] = 0x0d;  // IDX of float32 elements
  check_error([&] { parse_idx_images(floats.data(), floats.size(), "floats"); }, "floats",
              {"type 0x0d with 3 dimensions", "expected 2051"});
}

TEST_CASE("idx_reader: a labels file given as images, and the reverse, is named as such") {
  TempDir dir;
  const std::string labels = dir.write("train-labels-idx1-ubyte", idx_labels(Bytes(100, 1)));
  check_error([&] { read_idx_images(labels); }, labels,
              {"magic number is 2049 (an IDX labels file)", "expected 2051 (IDX images)"});
  const std::string images = dir.write("train-images-idx3-ubyte", idx_images(1));
  check_error([&] { read_idx_labels(images); }, images,
              {"magic number is 2051 (an IDX images file)", "expected 2049 (IDX labels)"});
}

TEST_CASE("idx_reader: gzip bytes handed to the parser are reported as compressed") {
  const Bytes gz = gzip_bytes(idx_images(1));
  check_error([&] { parse_idx_images(gz.data(), gz.size(), "x.gz"); }, "x.gz",
              {"gzip data, not yet decompressed"});
}

TEST_CASE("idx_reader: images must be 28x28") {
  TempDir dir;
  const std::string path = dir.write_gz("small.gz", idx_images(3, 28, 27));
  check_error([&] { read_idx_images(path); }, path, {"images are 28x27", "expected 28x28"});
  const Bytes wide = idx_images(1, 32, 28);
  check_error([&] { parse_idx_images(wide.data(), wide.size(), "wide"); }, "wide",
              {"images are 32x28"});
}

TEST_CASE("idx_reader: truncated payload says how many bytes were expected and found") {
  TempDir dir;
  Bytes img = idx_images(3);
  img.pop_back();
  const std::string path = dir.write("cut", img);
  check_error([&] { read_idx_images(path); }, path,
              {"truncated: expected 2352 bytes of pixels", "found 2351"});
  const std::string gz = dir.write_gz("cut.gz", img);
  check_error([&] { read_idx_images(gz); }, gz, {"truncated: expected 2352", "found 2351"});

  Bytes lab = idx_labels({1, 2, 3, 4});
  lab.resize(lab.size() - 2);
  check_error([&] { parse_idx_labels(lab.data(), lab.size(), "labels"); }, "labels",
              {"truncated: expected 4 bytes of labels, found 2"});
}

TEST_CASE("idx_reader: a count far beyond the data is truncation, not an overflow") {
  Bytes img = idx_images(1);
  img[4] = img[5] = img[6] = img[7] = 0xff;  // 4294967295 images
  check_error([&] { parse_idx_images(img.data(), img.size(), "huge"); }, "huge",
              {"truncated: expected 3367254359280 bytes", "found 784"});
}

TEST_CASE("idx_reader: truncated or empty header") {
  TempDir dir;
  const Bytes img = idx_images(1);
  const std::string path = dir.write("short", Bytes(img.begin(), img.begin() + 10));
  check_error([&] { read_idx_images(path); }, path,
              {"truncated header", "has 10 bytes", "needs 16"});
  const std::string empty = dir.write("empty", Bytes());
  check_error([&] { read_idx_labels(empty); }, empty, {"truncated header", "has 0 bytes"});
  const Bytes lab = idx_labels({1});
  check_error([&] { parse_idx_labels(lab.data(), 6, "lab"); }, "lab",
              {"truncated header", "needs 8"});
}

TEST_CASE("idx_reader: trailing bytes after the data are rejected") {
  TempDir dir;
  Bytes img = idx_images(2);
  img.push_back(0);
  const std::string path = dir.write_gz("long.gz", img);
  check_error([&] { read_idx_images(path); }, path,
              {"trailing garbage: 1 bytes after the expected 1568 bytes of pixels"});
  Bytes lab = idx_labels({1, 2});
  lab.insert(lab.end(), {3, 4, 5});
  check_error([&] { parse_idx_labels(lab.data(), lab.size(), "lab"); }, "lab",
              {"trailing garbage: 3 bytes after the expected 2 bytes of labels"});
}

TEST_CASE("idx_reader: label values must be 0..9, first bad one named") {
  TempDir dir;
  const std::string path = dir.write("labels", idx_labels({3, 9, 10, 0, 200}));
  check_error([&] { read_idx_labels(path); }, path, {"bad label at index 2: 10", "0..9"});
}

TEST_CASE("idx_reader: corrupt gzip data") {
  TempDir dir;
  // A valid gzip header (deflate, no flags) followed by garbage: an invalid deflate block.
  Bytes garbage = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03};
  garbage.insert(garbage.end(), 64, 0xff);
  const std::string path = dir.write("garbage.gz", garbage);
  check_error([&] { read_idx_images(path); }, path, {"corrupt gzip data"});

  // Intact deflate data but a wrong CRC in the trailer.
  Bytes bad_crc = gzip_bytes(idx_images(3));
  bad_crc[bad_crc.size() - 8] ^= 0x01;
  const std::string crc_path = dir.write("crc.gz", bad_crc);
  check_error([&] { read_idx_images(crc_path); }, crc_path,
              {"corrupt gzip data", "incorrect data check"});
}

TEST_CASE("idx_reader: a gzip trailer that lies about the size is corrupt data, both ways") {
  // The fast path sizes its buffer from the trailer's ISIZE; a wrong one must not give a
  // short or padded result but zlib's diagnosis (the length check).
  TempDir dir;
  for (const int delta : {-1, +1, +4096}) {
    Bytes gz = gzip_bytes(idx_images(3));
    uint32_t size = 0;
    for (int i = 0; i < 4; ++i) size |= uint32_t{gz[gz.size() - 4 + i]} << (8 * i);
    size = static_cast<uint32_t>(static_cast<int64_t>(size) + delta);
    for (int i = 0; i < 4; ++i) gz[gz.size() - 4 + i] = static_cast<uint8_t>(size >> (8 * i));
    const std::string path = dir.write("isize" + std::to_string(delta) + ".gz", gz);
    check_error([&] { read_idx_images(path); }, path,
                {"corrupt gzip data", "incorrect length check"});
  }
}

TEST_CASE("idx_reader: gzip file cut short is reported as truncated") {
  TempDir dir;
  const Bytes gz = gzip_bytes(idx_images(3));
  const std::string half = dir.write("half.gz", Bytes(gz.begin(), gz.begin() + gz.size() / 2));
  check_error([&] { read_idx_images(half); }, half, {"truncated gzip stream"});
  // Only the 8-byte trailer missing: all data decompresses, the stream still is not complete.
  const std::string no_trailer = dir.write("notrailer.gz", Bytes(gz.begin(), gz.end() - 8));
  check_error([&] { read_idx_images(no_trailer); }, no_trailer, {"truncated gzip stream"});
}

TEST_CASE("idx_reader: junk after the gzip stream is rejected") {
  TempDir dir;
  Bytes gz = gzip_bytes(idx_images(1));
  gz.insert(gz.end(), {'j', 'u', 'n', 'k'});
  const std::string path = dir.write("junk.gz", gz);
  check_error([&] { read_idx_images(path); }, path,
              {"trailing garbage: 4 bytes after the end of the gzip stream"});
}

TEST_CASE("idx_reader: missing file or a directory cannot be read") {
  TempDir dir;
  const std::string missing = dir.path() + "/nope-idx3-ubyte.gz";
  check_error([&] { read_idx_images(missing); }, missing,
              {"cannot open: No such file or directory"});
  check_error([&] { read_idx_labels(dir.path()); }, dir.path(), {"Is a directory"});
}

TEST_CASE("idx_reader: a mapped file and the same bytes through a pipe read identically") {
  // Regular files are mapped; anything else (here a FIFO) is read: the bytes must agree.
  // 3,000 images: 2.4 MB, so the decompressed buffer spans whole huge pages.
  TempDir dir;
  const Bytes img = idx_images(3000);
  const Bytes gz = gzip_bytes(img);
  const std::string file = dir.write("images.gz", gz);
  const IdxImages mapped = read_idx_images(file);
  CHECK(mapped.count == 3000);
  CHECK(mapped.pixels == Bytes(img.begin() + 16, img.end()));

  for (const Bytes* content : {&gz, &img}) {
    const std::string fifo = dir.path() + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::thread writer([&] { fixtures::write_bytes(fifo, *content); });
    const IdxImages piped = read_idx_images(fifo);
    writer.join();
    CHECK(piped.count == mapped.count);
    CHECK(piped.pixels == mapped.pixels);
    std::remove(fifo.c_str());
  }
}

TEST_CASE("huge_page_bytes: the size asked for, zeroed") {
  for (size_t size : {size_t{0}, size_t{1}, size_t{4097}, size_t{5} << 20}) {
    const std::vector<uint8_t> bytes = huge_page_bytes(size);
    CHECK(bytes.size() == size);
    CHECK(std::count(bytes.begin(), bytes.end(), 0) == static_cast<std::ptrdiff_t>(size));
  }
}
