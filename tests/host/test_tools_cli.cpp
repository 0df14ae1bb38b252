// test_tools_cli.cpp — the `softedge` tool end to end: its own fixtures (a model built with
// encode_model, a PGM image, a tiny IDX data directory) in a temporary directory, the built
// binary run as a user would, stdout/stderr/exit code checked.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "softedge/host/dataset.h"
#include "host_fixtures.h"
#include "softedge/format.h"
#include "softedge/host/model_writer.h"
#include "softedge/version.h"

namespace fs = std::filesystem;

namespace {

using fixtures::write_bytes;

constexpr uint32_t kPixels = 784;
constexpr uint32_t kClasses = 10;
constexpr uint32_t kBandRows = 2;  // class c "lights up" rows [2c, 2c + 2)

// Softmax regression whose class c sums the pixels of its own band of rows: an image whose
// only bright pixels are band c should be classified as c.
softedge::host::ModelSpec band_model(uint32_t classes = kClasses) {
  softedge::host::ModelSpec spec;
  for (uint32_t c = 0; c < classes; ++c) {
    spec.class_names.push_back(softedge::host::kFashionMnistClassNames[c % softedge::host::kNumClasses]);
  }
  softedge::host::DenseLayerSpec layer;
  layer.in_features = kPixels;
  layer.out_features = classes;
  layer.weights.assign(static_cast<size_t>(classes) * kPixels, 0.0f);
  layer.bias.assign(classes, 0.0f);
  for (uint32_t c = 0; c < classes; ++c) {
    for (uint32_t i = c * kBandRows * 28; i < (c + 1) * kBandRows * 28 && i < kPixels; ++i) {
      layer.weights[c * kPixels + i] = 1.0f;
    }
  }
  spec.layers.push_back(layer);
  return spec;
}

std::vector<uint8_t> band_image(uint32_t band) {
  std::vector<uint8_t> pixels(kPixels, 0);
  for (uint32_t i = band * kBandRows * 28; i < (band + 1) * kBandRows * 28; ++i) pixels[i] = 255;
  return pixels;
}

// What the model should predict, computed from its weights (not from the runtime).
uint32_t expected_class(const softedge::host::ModelSpec& spec, const std::vector<uint8_t>& pixels) {
  const softedge::host::DenseLayerSpec& layer = spec.layers.at(0);
  uint32_t best = 0;
  double best_logit = 0;
  for (uint32_t o = 0; o < layer.out_features; ++o) {
    double logit = layer.bias[o];
    for (uint32_t i = 0; i < layer.in_features; ++i) {
      logit += layer.weights[o * layer.in_features + i] *
               (pixels[i] * spec.input_scale + spec.input_bias);
    }
    if (o == 0 || logit > best_logit) best = o, best_logit = logit;
  }
  return best;
}

std::string read_text(const fs::path& path) {
  const fixtures::Bytes bytes = fixtures::read_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

// Raw (uncompressed) IDX files for `labels.size()` 28x28 images.
void write_idx(const fs::path& dir, const std::string& prefix,
               const std::vector<std::vector<uint8_t>>& images,
               const std::vector<uint8_t>& labels) {
  const auto pixel = [&](size_t i) { return images[i / kPixels][i % kPixels]; };
  write_bytes(dir / (prefix + "-images-idx3-ubyte"),
              fixtures::idx_images(static_cast<uint32_t>(images.size()), 28, 28, pixel));
  write_bytes(dir / (prefix + "-labels-idx1-ubyte"), fixtures::idx_labels(labels));
}

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

// A temporary directory with the fixtures, removed afterwards.
class Fixture {
 public:
  Fixture() : tmp_("softedge-tools") {
    spec = band_model();
    model = dir() / "model.sedg";
    write_bytes(model, softedge::host::encode_model(spec));
  }
  const fs::path& dir() const { return tmp_.root(); }

  // Runs `softedge ARGS` (ARGS already shell-quoted where needed).
  RunResult run(const std::string& args) const {
    fs::path out = dir() / "stdout.txt", err = dir() / "stderr.txt";
    std::string command = std::string("'") + SOFTEDGE_TOOL_EXE + "' " + args + " >'" +
                          out.string() + "' 2>'" + err.string() + "'";
    int status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    return {WEXITSTATUS(status), read_text(out), read_text(err)};
  }

  softedge::host::ModelSpec spec;
  fs::path model;

 private:
  fixtures::TempDir tmp_;
};

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("softedge cli: --help and usage errors") {
  Fixture f;
  RunResult help = f.run("--help");
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "usage: softedge"));
  for (const char* command : {"eval", "predict", "inspect"}) {
    CAPTURE(command);
    CHECK(contains(help.out, command));
    RunResult command_help = f.run(std::string(command) + " --help");
    CHECK(command_help.exit_code == 0);
    CHECK(contains(command_help.out, std::string("usage: softedge ") + command));
    CHECK(command_help.err.empty());
  }

  RunResult unknown = f.run("frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "frobnicate"));
  CHECK(unknown.out.empty());

  CHECK(f.run("").exit_code == 2);
  CHECK(f.run("inspect").exit_code == 2);
  CHECK(f.run("inspect " + quoted(f.model) + " --bogus").exit_code == 2);
  CHECK(f.run("predict " + quoted(f.model)).exit_code == 2);  // neither image nor --index
  CHECK(f.run("predict " + quoted(f.model) + " --index x").exit_code == 2);
  CHECK(f.run("predict " + quoted(f.model) + " --index 1 --top 0").exit_code == 2);
  RunResult usage = f.run("eval");
  CHECK(contains(usage.err, "usage: softedge eval MODEL"));
}

TEST_CASE("softedge and softedge-train --version: release and format versions") {
  Fixture f;
  const std::string expected = std::string(" ") + SOFTEDGE_VERSION_STRING + "\n" +
                               "model format: reads versions 1-" +
                               std::to_string(softedge::format::kNewestVersion);
  RunResult tool = f.run("--version");
  CHECK(tool.exit_code == 0);
  CHECK(tool.out.rfind("softedge" + expected, 0) == 0);
  CHECK(tool.err.empty());

  const fs::path out = f.dir() / "train-version.txt";
  const std::string command = std::string("'") + SOFTEDGE_TRAIN_EXE + "' --version >'" +
                              out.string() + "'";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(read_text(out).rfind("softedge-train" + expected, 0) == 0);
}

TEST_CASE("softedge cli: model file errors name the file") {
  Fixture f;
  SUBCASE("missing file") {
    fs::path missing = f.dir() / "no-such-model.sedg";
    for (const char* command : {"inspect ", "eval "}) {
      RunResult r = f.run(command + quoted(missing));
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, missing.string()));
    }
  }
  SUBCASE("one flipped byte is a checksum failure") {
    std::vector<uint8_t> bytes = softedge::host::encode_model(f.spec);
    // The low mantissa byte of the first weight (1.0f): still a finite weight, so only the
    // CRC can notice.
    using namespace softedge::format;
    uint32_t table = read_u32(bytes.data() + header::kLayerTableOffset);
    uint32_t weights = read_u32(bytes.data() + table + layer::kWeightOffset);
    REQUIRE(read_f32(bytes.data() + weights) == 1.0f);
    bytes[weights] ^= 0x01;
    fs::path corrupted = f.dir() / "corrupted.sedg";
    write_bytes(corrupted, bytes);
    for (const char* command : {"inspect ", "eval --json ", "predict --index 0 "}) {
      RunResult r = f.run(command + quoted(corrupted));
      CAPTURE(command);
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, corrupted.string()));
      CHECK(contains(r.err, "checksum"));
      CHECK(r.out.empty());
    }
  }
  SUBCASE("not a model") {
    fs::path text = f.dir() / "notes.txt";
    write_bytes(text, std::vector<uint8_t>(100, 'x'));
    RunResult r = f.run("inspect " + quoted(text));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, text.string()));
  }
}

TEST_CASE("softedge cli: inspect describes the model") {
  Fixture f;
  RunResult r = f.run("inspect " + quoted(f.model));
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "checksum ok"));
  CHECK(contains(r.out, "28x28x1"));
  CHECK(contains(r.out, "dense 784 -> 10"));
  CHECK(contains(r.out, "7,850 parameters"));
  CHECK(contains(r.out, f.spec.class_names[9]));

  RunResult json = f.run("inspect --json " + quoted(f.model));
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.front() == '{');
  CHECK(contains(json.out, "\"checksum_ok\":true"));
  CHECK(contains(json.out, "\"in_features\":784"));
  CHECK(contains(json.out, "\"out_features\":10"));
  CHECK(contains(json.out, "\"total_parameters\":7850"));
  CHECK(contains(json.out, "\"classes\":[\"" + f.spec.class_names[0] + "\""));
}

TEST_CASE("softedge cli: predict a PGM image") {
  Fixture f;
  const uint32_t band = 6;
  std::vector<uint8_t> pixels = band_image(band);
  const uint32_t expected = expected_class(f.spec, pixels);
  REQUIRE(expected == band);  // the fixture does what it says
  const std::string& name = f.spec.class_names[expected];

  std::string header = "P5\n# a band of bright rows\n28 28\n255\n";
  std::vector<uint8_t> file(header.begin(), header.end());
  file.insert(file.end(), pixels.begin(), pixels.end());
  fs::path image = f.dir() / "band.pgm";
  write_bytes(image, file);

  RunResult r = f.run("predict " + quoted(f.model) + " " + quoted(image));
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "1. " + name + " "));
  CHECK(contains(r.out, "3. "));
  CHECK_FALSE(contains(r.out, "4. "));

  RunResult top5 = f.run("predict --top 5 --json " + quoted(f.model) + " " + quoted(image));
  REQUIRE(top5.exit_code == 0);
  CHECK(contains(top5.out, "\"top\":[{\"class\":" + std::to_string(expected) + ",\"name\":\"" +
                               name + "\",\"probability\":"));
  size_t entries = 0;
  for (size_t at = 0; (at = top5.out.find("\"probability\":", at)) != std::string::npos; ++at) {
    ++entries;
  }
  CHECK(entries == 5);

  SUBCASE("an image of the wrong size is refused, naming the file") {
    std::string small = "P5 27 28 255\n" + std::string(27 * 28, '\0');
    fs::path wrong = f.dir() / "small.pgm";
    write_bytes(wrong, std::vector<uint8_t>(small.begin(), small.end()));
    RunResult bad = f.run("predict " + quoted(f.model) + " " + quoted(wrong));
    CHECK(bad.exit_code == 1);
    CHECK(contains(bad.err, wrong.string()));
    CHECK(contains(bad.err, "27x28"));
  }
}

TEST_CASE("softedge cli: eval and predict --index on a tiny data directory") {
  Fixture f;
  // 20 test images, two per band; the last 5 are labelled with the next class, so the
  // model gets exactly those wrong.
  std::vector<std::vector<uint8_t>> images;
  std::vector<uint8_t> labels;
  uint32_t correct = 0;
  std::vector<uint32_t> confusion(kClasses * kClasses, 0);  // [true][predicted]
  for (uint32_t i = 0; i < 20; ++i) {
    uint32_t band = i % kClasses;
    images.push_back(band_image(band));
    labels.push_back(static_cast<uint8_t>(i < 15 ? band : (band + 1) % kClasses));
    uint32_t predicted = expected_class(f.spec, images.back());
    ++confusion[labels.back() * kClasses + predicted];
    if (predicted == labels.back()) ++correct;
  }
  REQUIRE(correct == 15);
  std::string confusion_json = "\"confusion\":[";
  for (uint32_t t = 0; t < kClasses; ++t) {
    confusion_json += t ? ",[" : "[";
    for (uint32_t p = 0; p < kClasses; ++p) {
      confusion_json += (p ? "," : "") + std::to_string(confusion[t * kClasses + p]);
    }
    confusion_json += "]";
  }
  confusion_json += "]";
  fs::path data = f.dir() / "data";
  fs::create_directory(data);
  write_idx(data, "t10k", images, labels);  // no train-* files: eval and predict need none

  char expected_line[64];
  std::snprintf(expected_line, sizeof expected_line, "test accuracy: %.4f (%u/20)\n",
                correct / 20.0, correct);

  RunResult r = f.run("eval " + quoted(f.model) + " --data " + quoted(data));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind(expected_line, 0) == 0);  // the first line, exactly
  CHECK(contains(r.out, "kernel: "));
  CHECK(contains(r.out, "confusion matrix"));
  CHECK(contains(r.out, f.spec.class_names[3]));

  RunResult json = f.run("eval --json --data=" + quoted(data) + " " + quoted(f.model));
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.front() == '{');
  CHECK(contains(json.out, "\"accuracy\":0.75,"));
  CHECK(contains(json.out, "\"correct\":15,\"total\":20"));
  CHECK(contains(json.out, "\"per_class\":[{\"class\":0,"));
  // Class 5: image 5 is right; image 15 (band 5) is labelled 6, a miss for class 6.
  CHECK(contains(json.out, "{\"class\":5,\"name\":\"" + f.spec.class_names[5] +
                               "\",\"accuracy\":1,\"correct\":1,\"total\":1}"));
  CHECK(contains(json.out, confusion_json));
  CHECK(contains(json.out, "\"kernel\":\""));

  RunResult predicted = f.run("predict " + quoted(f.model) + " --index 17 --data " + quoted(data));
  REQUIRE(predicted.exit_code == 0);
  CHECK(contains(predicted.out, "true label: " + f.spec.class_names[labels[17]]));
  CHECK(contains(predicted.out, "1. " + f.spec.class_names[expected_class(f.spec, images[17])]));

  RunResult out_of_range = f.run("predict " + quoted(f.model) + " --index 20 --data " +
                                 quoted(data));
  CHECK(out_of_range.exit_code == 1);
  CHECK(contains(out_of_range.err, "out of range"));

  SUBCASE("SOFTEDGE_KERNEL forces a kernel set; an unknown name is an error") {
    REQUIRE(setenv("SOFTEDGE_KERNEL", "scalar", 1) == 0);
    RunResult scalar = f.run("eval " + quoted(f.model) + " --data " + quoted(data));
    REQUIRE(setenv("SOFTEDGE_KERNEL", "no-such-isa", 1) == 0);
    RunResult bogus = f.run("inspect " + quoted(f.model));
    unsetenv("SOFTEDGE_KERNEL");
    CHECK(scalar.exit_code == 0);
    CHECK(contains(scalar.out, "kernel: scalar\n"));
    CHECK(scalar.out.rfind(expected_line, 0) == 0);  // same accuracy on the reference kernels
    CHECK(bogus.exit_code == 1);
    CHECK(contains(bogus.err, "SOFTEDGE_KERNEL=no-such-isa"));
  }

  SUBCASE("quantize writes an int8 model that eval and inspect accept") {
    write_idx(data, "train", images, labels);  // quantize calibrates on training images
    const fs::path int8 = f.dir() / "int8.sedg";
    RunResult q = f.run("quantize " + quoted(f.model) + " " + quoted(int8) + " --data " + quoted(data));
    REQUIRE(q.exit_code == 0);
    CHECK(contains(q.out, "bias correction from 20 training images"));  // all 20: fewer than the cap
    CHECK(contains(q.out, "same top class as the float model: "));
    RunResult inspected = f.run("inspect " + quoted(int8));
    REQUIRE(inspected.exit_code == 0);
    CHECK(contains(inspected.out, "format version: 2"));
    CHECK(contains(inspected.out, "int8 weights"));
    RunResult evaluated = f.run("eval " + quoted(int8) + " --data " + quoted(data));
    CHECK(evaluated.exit_code == 0);
    CHECK(contains(evaluated.out, "test accuracy: "));
    // An int8 model is not quantized again, and the output file is not touched.
    RunResult again = f.run("quantize " + quoted(int8) + " " + quoted(f.dir() / "again.sedg") +
                            " --no-calibration");
    CHECK(again.exit_code == 1);
    CHECK(contains(again.err, "already an int8 model"));
    CHECK_FALSE(fs::exists(f.dir() / "again.sedg"));
  }

  SUBCASE("a model that is not 784 -> 10 is refused with a clear message") {
    fs::path three = f.dir() / "three.sedg";
    write_bytes(three, softedge::host::encode_model(band_model(3)));
    RunResult bad = f.run("eval " + quoted(three) + " --data " + quoted(data));
    CHECK(bad.exit_code == 1);
    CHECK(contains(bad.err, three.string()));
    CHECK(contains(bad.err, "3 classes"));
  }
}

TEST_CASE("softedge cli: export-c writes the model bytes as an aligned C array") {
  Fixture f;
  RunResult r = f.run("export-c " + quoted(f.model) + " --name my_model");
  REQUIRE(r.exit_code == 0);
  const std::vector<uint8_t> file = softedge::host::encode_model(f.spec);
  CHECK(contains(r.out, "#define MY_MODEL_SIZE " + std::to_string(file.size()) + "u"));
  CHECK(contains(r.out, "#define MY_MODEL_NUM_CLASSES 10u"));
  CHECK(contains(r.out, "static const uint8_t my_model[" + std::to_string(file.size()) +
                            "] __attribute__((aligned(64))) = {"));
  // The initializer, read back number by number, is the file byte for byte.
  const size_t open = r.out.find("= {");
  const size_t close = r.out.find("};", open);
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  std::vector<uint8_t> parsed;
  const char* p = r.out.c_str() + open + 3;
  const char* end = r.out.c_str() + close;
  while (p < end) {
    char* next = nullptr;
    const unsigned long value = std::strtoul(p, &next, 10);
    if (next == p) {
      ++p;
      continue;
    }
    parsed.push_back(static_cast<uint8_t>(value));
    p = next;
  }
  CHECK(parsed == file);

  RunResult bad_name = f.run("export-c " + quoted(f.model) + " --name 9lives");
  CHECK(bad_name.exit_code == 2);
  CHECK(contains(bad_name.err, "C identifier"));
}
