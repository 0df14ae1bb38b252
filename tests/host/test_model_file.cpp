#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "softedge/host/file_io.h"

using namespace softedge::host;
namespace fs = std::filesystem;

namespace {

// A temporary directory for this suite.
struct TempDir : fixtures::TempDir {
  TempDir() : fixtures::TempDir("softedge-model-file") {}
};

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("atomic writes replace the file whole and leave no temporary behind") {
  TempDir dir;
  const std::string path = (dir.root() / "model.sedg").string();
  write_file_atomically(path, {1, 2, 3});
  CHECK(read_file(path) == std::vector<uint8_t>{1, 2, 3});
  write_file_atomically(path, {9, 8});
  CHECK(read_file(path) == std::vector<uint8_t>{9, 8});
  CHECK(entries(dir.root()) == 1);
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0444) != 0);  // readable, not mkstemp's 0600 only
}

TEST_CASE("a failed write names the file and keeps the previous model intact") {
  TempDir dir;
  const std::string path = (dir.root() / "model.sedg").string();
  write_file_atomically(path, {1, 2, 3});
  // A directory where the model should go: the rename over it fails after the data is written.
  const std::string blocked = (dir.root() / "blocked").string();
  fs::create_directory(blocked);
  fs::create_directory(fs::path(blocked) / "child");  // non-empty: rename cannot replace it
  CHECK_THROWS_WITH_AS(write_file_atomically(blocked, {4, 5}), doctest::Contains("blocked"),
                       FileError);
  CHECK(entries(dir.root()) == 2);  // model.sedg and blocked/: the temporary was removed

  // Writing into a missing directory fails before anything exists.
  const std::string missing = (dir.root() / "no-such-dir" / "model.sedg").string();
  CHECK_THROWS_WITH_AS(write_file_atomically(missing, {1}), doctest::Contains("no-such-dir"),
                       FileError);
  CHECK(read_file(path) == std::vector<uint8_t>{1, 2, 3});
}

TEST_CASE("reading a missing file names it") {
  CHECK_THROWS_WITH_AS(read_file("/nonexistent/softedge.sedg"),
                       doctest::Contains("/nonexistent/softedge.sedg"), FileError);
}
