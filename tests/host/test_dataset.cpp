// test_dataset.cpp — finding the data directory and loading splits, on fixtures written here.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "softedge/host/dataset.h"

using namespace softedge::host;

namespace {

using fixtures::Bytes;
using fixtures::cycling_labels;
using fixtures::idx_images;
using fixtures::idx_labels;
using fixtures::write_bytes;
using fixtures::write_gz;
namespace fs = std::filesystem;

// A temporary directory for this suite.
struct TempDir : fixtures::TempDir {
  TempDir() : fixtures::TempDir("softedge-test-dataset") {}
};

// A complete data directory: train (5 images) gz-compressed, test (3 images) raw.
void write_data_set(const std::string& dir) {
  write_gz(fs::path(dir) / "train-images-idx3-ubyte.gz", idx_images(5, 28, 28, 11));
  write_gz(fs::path(dir) / "train-labels-idx1-ubyte.gz", idx_labels(cycling_labels(5)));
  write_bytes(fs::path(dir) / "t10k-images-idx3-ubyte", idx_images(3, 28, 28, 22));
  write_bytes(fs::path(dir) / "t10k-labels-idx1-ubyte", idx_labels(cycling_labels(3)));
}

// Sets or unsets an environment variable for one scope, restoring the old value afterwards.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~EnvVar() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// The DataError `f` throws (a failed check if none), checked to contain every one of `parts`.
template <class F>
std::string check_error(F&& f, std::initializer_list<std::string> parts) {
  return fixtures::check_thrown<DataError>(f, "expected a DataError", "", parts);
}

}  // namespace

TEST_CASE("dataset: class names") {
  CHECK(std::strcmp(kFashionMnistClassNames[0], "T-shirt/top") == 0);
  CHECK(std::strcmp(kFashionMnistClassNames[6], "Shirt") == 0);
  CHECK(std::strcmp(kFashionMnistClassNames[9], "Ankle boot") == 0);
}

TEST_CASE("dataset: the documented fallback places, in order") {
  CHECK(default_data_dirs() == std::vector<std::string>{"./data/FashionMNIST/raw", "./data",
                                                        "/usr/share/datasets/fashion-mnist"});
}

TEST_CASE("dataset: --data holding the files is used, ahead of $SOFTEDGE_DATA") {
  TempDir tmp;
  const std::string cli = tmp.sub("cli");
  const std::string env = tmp.sub("env");
  write_data_set(cli);
  write_data_set(env);
  EnvVar var("SOFTEDGE_DATA", env.c_str());
  CHECK(find_data_dir(cli) == cli);
  CHECK(find_data_dir(cli, {}) == cli);
}

TEST_CASE("dataset: --data without the files is an error naming it, with no fallback") {
  TempDir tmp;
  const std::string good = tmp.sub("good");
  write_data_set(good);
  EnvVar var("SOFTEDGE_DATA", good.c_str());  // would be found if we fell back

  const std::string empty = tmp.sub("empty");
  const std::string msg = check_error([&] { find_data_dir(empty, {good}); },
                                      {empty + ": ", "--data", "train-images-idx3-ubyte[.gz]",
                                       "t10k-labels-idx1-ubyte[.gz]", "apt-get install"});
  CHECK(msg.rfind(empty, 0) == 0);

  const std::string partial = tmp.sub("partial");
  write_data_set(partial);
  fs::remove(fs::path(partial) / "t10k-labels-idx1-ubyte");
  const std::string partial_msg = check_error([&] { find_data_dir(partial); },
                                              {partial, "missing t10k-labels-idx1-ubyte[.gz]"});
  CHECK(partial_msg.find("[.gz],") == std::string::npos);  // only the one missing file

  const std::string nowhere = tmp.path() + "/does-not-exist";
  check_error([&] { find_data_dir(nowhere); }, {nowhere, "no such directory"});
}

TEST_CASE("dataset: commands that read only the test split need only the t10k files") {
  TempDir tmp;
  const std::string test_only = tmp.sub("test-only");
  write_data_set(test_only);
  REQUIRE(fs::remove(fs::path(test_only) / "train-images-idx3-ubyte.gz"));
  REQUIRE(fs::remove(fs::path(test_only) / "train-labels-idx1-ubyte.gz"));
  CHECK(find_test_data_dir(test_only) == test_only);
  CHECK(find_test_data_dir("", {tmp.path() + "/missing", test_only}) == test_only);
  check_error([&] { find_data_dir(test_only); },
              {test_only, "missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]"});

  REQUIRE(fs::remove(fs::path(test_only) / "t10k-labels-idx1-ubyte"));
  check_error([&] { find_test_data_dir(test_only); },
              {test_only, "missing t10k-labels-idx1-ubyte[.gz]"});
}

TEST_CASE("dataset: $SOFTEDGE_DATA is honoured, and an error when it lacks the files") {
  TempDir tmp;
  const std::string env = tmp.sub("env");
  const std::string fallback = tmp.sub("fallback");
  write_data_set(env);
  write_data_set(fallback);
  {
    EnvVar var("SOFTEDGE_DATA", env.c_str());
    CHECK(find_data_dir("", {fallback}) == env);
  }
  {
    const std::string empty = tmp.sub("empty");
    EnvVar var("SOFTEDGE_DATA", empty.c_str());
    check_error([&] { find_data_dir("", {fallback}); },
                {empty, "$SOFTEDGE_DATA", "missing train-images-idx3-ubyte[.gz]"});
  }
  {
    EnvVar var("SOFTEDGE_DATA", "");  // set but empty counts as not set
    CHECK(find_data_dir("", {fallback}) == fallback);
  }
}

TEST_CASE("dataset: the first fallback place holding the files wins") {
  TempDir tmp;
  EnvVar var("SOFTEDGE_DATA", nullptr);
  const std::string a = tmp.sub("a"), b = tmp.sub("b"), c = tmp.sub("c");
  write_data_set(b);
  write_data_set(c);
  CHECK(find_data_dir("", {a, b, c}) == b);
  CHECK(find_data_dir("", {tmp.path() + "/missing", c}) == c);
}

TEST_CASE("dataset: not found lists every place looked and how to get the data") {
  TempDir tmp;
  EnvVar var("SOFTEDGE_DATA", nullptr);
  const std::string partial = tmp.sub("partial");
  write_gz(fs::path(partial) / "train-images-idx3-ubyte.gz", idx_images(1, 28, 28, 0));
  const std::string missing = tmp.path() + "/missing";
  check_error(
      [&] {
        find_data_dir("", {missing, partial});
      },
      {"not found", "--data: not given", "$SOFTEDGE_DATA: not set", missing + ": no such directory",
       partial + ": missing train-labels-idx1-ubyte[.gz]", "apt-get install dataset-fashion-mnist",
       "github.com/zalandoresearch/fashion-mnist", "./data"});
}

TEST_CASE("dataset: load_split reads gz and raw files, exact contents") {
  TempDir tmp;
  write_data_set(tmp.path());
  const Split train = load_split(tmp.path(), "train");
  CHECK(train.count == 5);
  CHECK(train.pixels == Bytes(5 * 784, 11));
  CHECK(train.labels == Bytes{0, 1, 2, 3, 4});
  const Split test = load_split(tmp.path(), "t10k");
  CHECK(test.count == 3);
  CHECK(test.pixels == Bytes(3 * 784, 22));
  CHECK(test.labels == Bytes{0, 1, 2});
}

TEST_CASE("dataset: with both NAME and NAME.gz present, the raw file is read") {
  TempDir tmp;
  write_data_set(tmp.path());
  write_bytes(fs::path(tmp.path()) / "train-images-idx3-ubyte", idx_images(5, 28, 28, 99));
  CHECK(load_split(tmp.path(), "train").pixels == Bytes(5 * 784, 99));
}

TEST_CASE("dataset: image and label counts must agree") {
  TempDir tmp;
  write_data_set(tmp.path());
  write_bytes(fs::path(tmp.path()) / "t10k-labels-idx1-ubyte", idx_labels(cycling_labels(2)));
  check_error([&] { load_split(tmp.path(), "t10k"); },
              {"t10k-images-idx3-ubyte: has 3 images", "t10k-labels-idx1-ubyte has 2 labels"});
}

TEST_CASE("dataset: load_split names a missing file and passes on file errors") {
  TempDir tmp;
  write_data_set(tmp.path());
  fs::remove(fs::path(tmp.path()) / "train-labels-idx1-ubyte.gz");
  check_error([&] { load_split(tmp.path(), "train"); },
              {"train-labels-idx1-ubyte: cannot open", "nor train-labels-idx1-ubyte.gz"});

  Bytes bad = idx_labels(cycling_labels(3));
  bad.back() = 10;
  write_bytes(fs::path(tmp.path()) / "t10k-labels-idx1-ubyte", bad);
  check_error([&] { load_split(tmp.path(), "t10k"); },
              {"t10k-labels-idx1-ubyte: bad label at index 2: 10"});
}

TEST_CASE("dataset: load_fashion_mnist loads both splits from the directory found") {
  TempDir tmp;
  write_data_set(tmp.path());
  const Dataset data = load_fashion_mnist(tmp.path());
  CHECK(data.directory == tmp.path());
  CHECK(data.train.count == 5);
  CHECK(data.test.count == 3);
  CHECK(data.test.pixels == Bytes(3 * 784, 22));
}
