// test_pgm_reader.cpp — the PGM reader behind `softedge predict IMAGE.pgm`.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/tools/pgm_reader.h"

namespace {

// A P5 file: `header` then `pixel_bytes` bytes counting up from 0.
std::string pgm(const std::string& header, size_t pixel_bytes) {
  std::string file = header;
  for (size_t i = 0; i < pixel_bytes; ++i) file += static_cast<char>(i & 0xff);
  return file;
}

std::vector<uint8_t> parse(const std::string& file, uint32_t width = 28, uint32_t height = 28) {
  return softedge::tools::parse_pgm(reinterpret_cast<const uint8_t*>(file.data()), file.size(),
                                    "digit.pgm", width, height);
}

// The error parse() throws, "" when it succeeds.
std::string parse_error(const std::string& file) {
  try {
    parse(file);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("pgm reader: a valid 28x28 P5 image gives its pixels as stored") {
  std::vector<uint8_t> pixels = parse(pgm("P5\n28 28\n255\n", 784));
  REQUIRE(pixels.size() == 784);
  for (size_t i = 0; i < pixels.size(); ++i) CHECK(pixels[i] == (i & 0xff));  // not inverted
}

TEST_CASE("pgm reader: comments and any whitespace in the header are accepted") {
  std::vector<uint8_t> pixels =
      parse(pgm("P5 # written by hand\n# another comment\n28\t28 # size\r\n255 ", 784));
  REQUIRE(pixels.size() == 784);
  CHECK(pixels[0] == 0);
  CHECK(pixels[783] == (783 & 0xff));
}

TEST_CASE("pgm reader: a pixel value that looks like whitespace is data, not header") {
  // After maxval exactly one whitespace byte separates header and raster.
  std::string file = "P5\n2 1\n255\n";
  file += '\n';
  file += ' ';
  std::vector<uint8_t> pixels = parse(file, 2, 1);
  REQUIRE(pixels.size() == 2);
  CHECK(pixels[0] == '\n');
  CHECK(pixels[1] == ' ');
}

TEST_CASE("pgm reader: errors name the file and the problem") {
  SUBCASE("bad magic") {
    std::string error = parse_error(pgm("P2\n28 28\n255\n", 784));
    CHECK(error.find("digit.pgm") == 0);
    CHECK(error.find("P5") != std::string::npos);
    CHECK(parse_error(pgm("P6\n28 28\n255\n", 784 * 3)).find("P5") != std::string::npos);
    CHECK(parse_error("").find("P5") != std::string::npos);
  }
  SUBCASE("wrong size") {
    std::string error = parse_error(pgm("P5\n28 27\n255\n", 28 * 27));
    CHECK(error.find("digit.pgm") == 0);
    CHECK(error.find("28x27") != std::string::npos);
    CHECK(error.find("28x28") != std::string::npos);
    CHECK(parse_error(pgm("P5\n32 32\n255\n", 1024)).find("32x32") != std::string::npos);
  }
  SUBCASE("truncated pixels") {
    std::string error = parse_error(pgm("P5\n28 28\n255\n", 783));
    CHECK(error.find("digit.pgm") == 0);
    CHECK(error.find("truncated") != std::string::npos);
    CHECK(error.find("784") != std::string::npos);
    CHECK(error.find("783") != std::string::npos);
  }
  SUBCASE("truncated header") {
    CHECK(parse_error("P5\n28 28").find("truncated") != std::string::npos);
    CHECK(parse_error("P5\n28 28\n255").find("truncated") != std::string::npos);
    CHECK(parse_error("P5\n# only a comment").find("truncated") != std::string::npos);
  }
  SUBCASE("maxval other than 255") {
    std::string error = parse_error(pgm("P5\n28 28\n65535\n", 784 * 2));
    CHECK(error.find("digit.pgm") == 0);
    CHECK(error.find("maxval is 65535") != std::string::npos);
    CHECK(parse_error(pgm("P5\n28 28\n15\n", 784)).find("maxval is 15") != std::string::npos);
  }
  SUBCASE("malformed numbers") {
    CHECK(parse_error(pgm("P5\n28 x\n255\n", 784)).find("malformed") != std::string::npos);
    CHECK(parse_error(pgm("P5\n-28 28\n255\n", 784)).find("malformed") != std::string::npos);
    CHECK(parse_error(pgm("P5\n99999999999 28\n255\n", 784)).find("too large") !=
          std::string::npos);
    CHECK(parse_error(pgm("P5\n28 28\n255x", 784)).find("whitespace") != std::string::npos);
  }
}

TEST_CASE("pgm reader: a missing file is an error naming it") {
  try {
    softedge::tools::read_pgm("/nonexistent/dir/shoe.pgm", 28, 28);
    FAIL("read_pgm should throw");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("/nonexistent/dir/shoe.pgm") != std::string::npos);
  }
}
