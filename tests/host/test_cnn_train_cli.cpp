// softedge-train's convolutional paths end to end on a small fixture: `--arch cnn` and
// `--preset d2l-lenet` write models the runtime loads and classifies as the trainer's own code
// does, the same file for one and two threads, the JSON summary, and their usage errors.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "host_fixtures.h"
#include "softedge/host/json_text.h"

namespace fs = std::filesystem;
using fixtures::Bytes;
using softedge::host::Json;

namespace {

struct Run {
  int exit_code;
  std::string out, err;
};

std::string quoted(const std::string& text) { return "'" + text + "'"; }

Run train(const fixtures::TempDir& dir, const std::string& arguments) {
  const fs::path out = dir.root() / "stdout.txt", err = dir.root() / "stderr.txt";
  const std::string line = quoted(SOFTEDGE_TRAIN_EXE) + " " + arguments + " >" +
                           quoted(out.string()) + " 2>" + quoted(err.string());
  const int status = std::system(line.c_str());
  REQUIRE(WIFEXITED(status));
  const Bytes o = fixtures::read_bytes(out), e = fixtures::read_bytes(err);
  return {WEXITSTATUS(status), std::string(o.begin(), o.end()), std::string(e.begin(), e.end())};
}

// 200 training and 40 test images whose class is drawn into them (a bright bar at a
// class-dependent row), so a few steps already learn something.
std::string data_dir(const fixtures::TempDir& dir) {
  const std::string d = dir.sub("data");
  using SplitSize = std::pair<const char*, uint32_t>;
  for (const auto& [split, count] : {SplitSize{"train", 200}, SplitSize{"t10k", 40}}) {
    const Bytes labels = fixtures::cycling_labels(count);
    const Bytes images = fixtures::idx_images(count, 28, 28, [&](size_t i) {
      const size_t image = i / 784, row = i % 784 / 28;
      const uint8_t label = labels[image];
      const bool bar = row / 2 == size_t{label} + 2;
      return static_cast<uint8_t>(bar ? 250 : fixtures::varied_pixel(i) / 4);
    });
    fixtures::write_bytes(fs::path(d) / (std::string(split) + "-images-idx3-ubyte"), images);
    fixtures::write_bytes(fs::path(d) / (std::string(split) + "-labels-idx1-ubyte"),
                          fixtures::idx_labels(labels));
  }
  return d;
}

}  // namespace

TEST_CASE("softedge-train --arch cnn: a model the runtime agrees with, the same for any "
          "thread count") {
  fixtures::TempDir dir("softedge-cnn-cli");
  const std::string data = data_dir(dir);
  const std::string one = (dir.root() / "one.sedg").string();
  const std::string two = (dir.root() / "two.sedg").string();
  const Run a = train(dir, "--arch cnn --epochs 2 --threads 1 --json --data " + quoted(data) +
                               " --out " + quoted(one));
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  const Json summary = Json::parse(a.out);
  CHECK(summary["settings"]["arch"] == "cnn");
  CHECK(summary["settings"]["layers"].get<std::string>().find("conv 16@3x3 pad 1 relu") == 0);
  CHECK(summary["history"].size() == 2);
  // The runtime's accuracy on the file and the trainer's own float path agree.
  CHECK(summary["test_accuracy"].get<double>() ==
        doctest::Approx(summary["trainer_test_accuracy"].get<double>()).epsilon(0.03));
  CHECK(summary["test_accuracy"].get<double>() > 0.2);  // above chance (0.1)

  const Run b = train(dir, "--arch cnn --epochs 2 --threads 2 --data " + quoted(data) + " --out " +
                               quoted(two));
  REQUIRE(b.exit_code == 0);
  CHECK(b.out.find("kept epoch") != std::string::npos);
  CHECK(fixtures::read_bytes(one) == fixtures::read_bytes(two));
}

TEST_CASE("softedge-train --preset d2l-lenet: the book's per-epoch line with the test accuracy") {
  fixtures::TempDir dir("softedge-lenet-cli");
  const std::string data = data_dir(dir);
  const Run r = train(dir, "--preset d2l-lenet --epochs 1 --data " + quoted(data) + " --out " +
                               quoted((dir.root() / "lenet.sedg").string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("epoch 1, loss ") == 0);
  CHECK(r.out.find(", test acc ") != std::string::npos);
  CHECK(r.out.find("kept epoch") == std::string::npos);
  CHECK(fs::file_size(dir.root() / "lenet.sedg") > 0);
}

TEST_CASE("softedge-train: --arch and --preset d2l-lenet usage errors exit 2") {
  fixtures::TempDir dir("softedge-cnn-usage");
  for (const char* arguments : {"--arch transformer", "--arch cnn --hidden 64",
                                "--preset d2l-lenet --hidden 5", "--preset d2l-lenet --arch cnn",
                                "--preset d2l-lenet --validation 100", "--preset lenet"}) {
    CAPTURE(arguments);
    const Run r = train(dir, arguments);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("softedge-train: ") == 0);
  }
}
