// `softedge inspect` and `softedge export-c` on convolution models: a small float CNN built
// with encode_model and its int8 copy (host::quantize_int8 on random images, no data set).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "softedge/host/dataset.h"
#include "softedge/host/model_writer.h"
#include "softedge/host/quantize.h"
#include "softedge/train/rng.h"

namespace host = softedge::host;
namespace fmt = softedge::format;
namespace fs = std::filesystem;

namespace {

// 28x28x1 -> conv 4@3x3 pad 1 ReLU -> max pool 2 -> dense 784 -> 10.
host::ModelSpec cnn() {
  softedge::train::Rng rng(1);
  host::ModelSpec spec;
  for (uint32_t c = 0; c < 10; ++c) spec.class_names.push_back(host::kFashionMnistClassNames[c]);
  host::LayerSpec conv;
  conv.kind = fmt::LayerKind::kConv2d;
  conv.kernel_size = 3;
  conv.stride = 1;
  conv.padding = 1;
  conv.activation = fmt::Activation::kRelu;
  conv.in_features = 784;
  conv.out_features = 28 * 28 * 4;
  for (int i = 0; i < 4 * 9; ++i) conv.weights.push_back(static_cast<float>(rng.next_normal() / 3));
  conv.bias.assign(4, 0.05f);
  host::LayerSpec pool;
  pool.kind = fmt::LayerKind::kMaxPool;
  pool.kernel_size = 2;
  pool.stride = 2;
  pool.in_features = conv.out_features;
  pool.out_features = 14 * 14 * 4;
  host::LayerSpec dense;
  dense.in_features = pool.out_features;
  dense.out_features = 10;
  for (int i = 0; i < 784 * 10; ++i)
    dense.weights.push_back(static_cast<float>(rng.next_normal() / 28));
  dense.bias.assign(10, 0.0f);
  spec.layers = {conv, pool, dense};
  return spec;
}

struct RunResult {
  int exit_code;
  std::string out;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

RunResult run(const fs::path& dir, const std::string& args) {
  const fs::path out = dir / "stdout.txt";
  const std::string command =
      std::string("'") + SOFTEDGE_TOOL_EXE + "' " + args + " >'" + out.string() + "' 2>/dev/null";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  return {WEXITSTATUS(status), read_text(out)};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("softedge cli: inspect and export-c describe convolution and pooling layers") {
  fixtures::TempDir tmp("softedge-conv-tools");
  const host::ModelSpec float_spec = cnn();
  host::Split images;
  images.count = 50;
  softedge::train::Rng rng(2);
  for (int i = 0; i < 50 * 784; ++i)
    images.pixels.push_back(static_cast<uint8_t>(rng.next_below(256)));
  images.labels.assign(50, 0);
  const host::ModelSpec int8_spec = host::quantize_int8(float_spec, &images);
  const fs::path float_path = tmp.root() / "cnn.sedg", int8_path = tmp.root() / "cnn-int8.sedg";
  fixtures::write_bytes(float_path, host::encode_model(float_spec));
  fixtures::write_bytes(int8_path, host::encode_model(int8_spec));

  const RunResult f = run(tmp.root(), "inspect '" + float_path.string() + "'");
  REQUIRE(f.exit_code == 0);
  CHECK(contains(f.out, "format version: 3"));
  CHECK(contains(f.out,
                 "0: conv2d 28x28x1 -> 28x28x4, kernel 3, stride 1, padding 1, "
                 "activation relu, float32 weights (4 rows of 9), 40 parameters (160 bytes)"));
  CHECK(contains(f.out,
                 "1: max_pool 28x28x4 -> 14x14x4, kernel 2, stride 2, padding 0, "
                 "float32 data, no parameters"));
  CHECK(contains(f.out, "2: dense 784 -> 10"));

  const RunResult q = run(tmp.root(), "inspect '" + int8_path.string() + "'");
  REQUIRE(q.exit_code == 0);
  // int8 conv: 36 weight bytes, 4 int32 biases, 4 {m, shift} pairs.
  CHECK(contains(q.out, "int8 weights (4 rows of 9), 40 parameters (84 bytes), uint8 outputs"));
  char scale[64];
  std::snprintf(scale, sizeof scale, "uint8 data (scale %.6g)", int8_spec.layers[1].output_scale);
  CHECK(contains(q.out, scale));

  const RunResult json = run(tmp.root(), "inspect --json '" + int8_path.string() + "'");
  REQUIRE(json.exit_code == 0);
  CHECK(contains(json.out, "\"kind\":\"conv2d\""));
  CHECK(contains(json.out,
                 "\"in_shape\":[28,28,1],\"out_shape\":[28,28,4],\"kernel_size\":3,"
                 "\"stride\":1,\"padding\":1"));
  CHECK(contains(json.out, "\"kind\":\"max_pool\""));

  const RunResult c = run(tmp.root(), "export-c '" + int8_path.string() + "' --name cnn");
  REQUIRE(c.exit_code == 0);
  CHECK(contains(c.out, "// layers: conv2d 3x3 int8, max_pool 2x2 int8, dense 10 int8."));
  CHECK(contains(c.out,
                 "#define CNN_SIZE " + std::to_string(host::encode_model(int8_spec).size()) + "u"));
}
