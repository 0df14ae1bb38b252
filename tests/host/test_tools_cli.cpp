// test_tools_cli.cpp — the `softedge` tool end to end: its own fixtures (a model built with
// encode_model, a PGM image, a tiny IDX data directory) in a temporary directory, the built
// binary run as a user would, stdout/stderr/exit code checked. At the end, the command-line
// parser and JSON writer both binaries use (softedge/host/command_line.h, json_text.h).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "softedge/format.h"
#include "softedge/host/command_line.h"
#include "softedge/host/dataset.h"
#include "softedge/host/json_text.h"
#include "softedge/host/model_writer.h"
#include "softedge/version.h"

namespace host = softedge::host;

namespace fs = std::filesystem;

namespace {

using fixtures::write_bytes;

constexpr uint32_t kPixels = 784;
constexpr uint32_t kClasses = 10;
constexpr uint32_t kBandRows = 2;  // class c "lights up" rows [2c, 2c + 2)

// Softmax regression whose class c sums the pixels of its own band of rows: an image whose
// only bright pixels are band c should be classified as c.
host::ModelSpec band_model(uint32_t classes = kClasses) {
  host::ModelSpec spec;
  for (uint32_t c = 0; c < classes; ++c) {
    spec.class_names.push_back(host::kFashionMnistClassNames[c % host::kNumClasses]);
  }
  host::DenseLayerSpec layer;
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
uint32_t expected_class(const host::ModelSpec& spec, const std::vector<uint8_t>& pixels) {
  const host::DenseLayerSpec& layer = spec.layers.at(0);
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
    write_bytes(model, host::encode_model(spec));
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

  host::ModelSpec spec;
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
    std::vector<uint8_t> bytes = host::encode_model(f.spec);
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
  // Floats exactly: the input scale reads back as the model's float.
  const nlohmann::json parsed = nlohmann::json::parse(json.out);
  CHECK(static_cast<float>(parsed["input"]["scale"].get<double>()) == f.spec.input_scale);
  CHECK(parsed["layers"].size() == 1);
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
  const nlohmann::json top = nlohmann::json::parse(top5.out)["top"];
  REQUIRE(top.size() == 5);
  double sum = 0;
  for (size_t rank = 0; rank < top.size(); ++rank) {
    CAPTURE(rank);
    if (rank > 0) CHECK(top[rank]["probability"] <= top[rank - 1]["probability"]);
    sum += top[rank]["probability"].get<double>();
  }
  CHECK(sum <= 1.0 + 1e-6);

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
  nlohmann::json confusion_json = nlohmann::json::array();
  for (uint32_t t = 0; t < kClasses; ++t) {
    confusion_json.push_back(std::vector<uint32_t>(confusion.begin() + t * kClasses,
                                                   confusion.begin() + (t + 1) * kClasses));
  }
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
  CHECK(json.out.rfind("{\"model\":", 0) == 0);       // keys in the order written
  CHECK(json.out.find('\n') == json.out.size() - 1);  // one line
  CHECK(contains(json.out, "\"accuracy\":0.75,"));
  CHECK(contains(json.out, "\"correct\":15,\"total\":20"));
  const nlohmann::json evaluated = nlohmann::json::parse(json.out);
  CHECK(evaluated["accuracy"] == 0.75);
  CHECK(evaluated["per_class"].size() == kClasses);
  CHECK(evaluated["per_class"][0]["class"] == 0);
  // Class 5: image 5 is right; image 15 (band 5) is labelled 6, a miss for class 6.
  CHECK(evaluated["per_class"][5] == nlohmann::json{{"class", 5},
                                                    {"name", f.spec.class_names[5]},
                                                    {"accuracy", 1.0},
                                                    {"correct", 1},
                                                    {"total", 1}});
  CHECK(evaluated["confusion"] == confusion_json);
  CHECK(evaluated["kernel"].is_string());

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
    RunResult q =
        f.run("quantize " + quoted(f.model) + " " + quoted(int8) + " --data " + quoted(data));
    REQUIRE(q.exit_code == 0);
    CHECK(
        contains(q.out, "bias correction from 20 training images"));  // all 20: fewer than the cap
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
    write_bytes(three, host::encode_model(band_model(3)));
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
  const std::vector<uint8_t> file = host::encode_model(f.spec);
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

// ---- the parser and JSON writer of both binaries ----------------------------------------------

TEST_CASE("command line: options bound to variables, by one set of rules") {
  using host::CommandLine;
  using host::UsageError;
  std::string data = "default";
  uint32_t top = 3;
  uint64_t seed = 0;
  float lr = 0;
  bool json = false;
  std::vector<std::string> files;
  const auto parse = [&](const std::vector<std::string>& args) {
    data = "default", top = 3, seed = 0, lr = 0, json = false, files.clear();
    CommandLine line;
    line.text("data", &data)
        .whole("top", &top, 1, 10)
        .whole("seed", &seed, 0, UINT64_MAX)
        .number("lr", &lr, /*positive=*/true)
        .flag("json", &json)
        .positional(&files)
        .parse(args);
    return line.given("top");
  };
  CHECK_FALSE(parse({"m.sedg"}));
  CHECK(data == "default");  // not given: the variable keeps its value
  CHECK(top == 3);
  CHECK(files == std::vector<std::string>{"m.sedg"});

  CHECK(parse({"--data", "d", "a", "--top=5", "--json", "--seed", "18446744073709551615", "b",
               "--lr", "0.1", "--", "--json", "-"}));
  CHECK(data == "d");
  CHECK(top == 5);
  CHECK(seed == UINT64_MAX);
  CHECK(lr == 0.1f);  // strtof: the float nearest 0.1, not a double rounded twice
  CHECK(json);
  CHECK(files == std::vector<std::string>{"a", "b", "--json", "-"});
  parse({"--top", "2", "--top", "7", "--data", "x"});  // the last one wins
  CHECK(top == 7);
  CHECK(data == "x");
  parse({"--data", "--json"});  // a value is taken as it comes, even one like an option
  CHECK(data == "--json");
  CHECK_FALSE(json);
  parse({"--data=", "--json"});  // an empty value, not the next argument
  CHECK(data.empty());
  CHECK(json);
  parse({"--data", "--data=", "--", "--data="});  // "--data=" as a value, after "--"
  CHECK(data == "--data=");
  CHECK(files == std::vector<std::string>{"--data="});

  struct Bad {
    std::vector<std::string> args;
    const char* message;
  };
  const Bad bad[] = {
      {{"--to", "1"}, "unknown option '--to' (did you mean --top?)"},
      {{"--d=x"}, "unknown option '--d' (did you mean --data?)"},
      {{"--TOP", "1"}, "unknown option '--TOP'"},
      {{"-t", "1"}, "unknown option '-t'"},
      {{"--top", "0"}, "--top expects a whole number from 1 to 10, not '0'"},
      {{"--top", " 1"}, "--top expects a whole number from 1 to 10, not ' 1'"},
      {{"--top", "+1"}, "--top expects a whole number from 1 to 10, not '+1'"},
      {{"--seed", "18446744073709551616"},
       "--seed expects a whole number, not '18446744073709551616'"},
      {{"--seed", "010x"}, "--seed expects a whole number, not '010x'"},
      {{"--lr", "0x1p-3"}, "--lr expects a number, not '0x1p-3'"},
      {{"--lr", "1e-50"}, "--lr expects a number, not '1e-50'"},  // no float is that small
      {{"--lr", "-0.1"}, "--lr must be positive, not '-0.1'"},
      {{"--top"}, "option '--top' needs a value"},
      {{"--json=1"}, "option '--json' takes no value"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.message);
    CHECK_THROWS_WITH_AS(parse(b.args), b.message, UsageError);
  }
  // Without positional(), an argument is a usage error.
  CHECK_THROWS_WITH_AS(CommandLine().flag("json", &json).parse({"m.sedg"}),
                       "unexpected argument 'm.sedg'", UsageError);
  std::string a, b;
  CHECK_THROWS_WITH_AS(
      CommandLine().text("input-scale", &a).text("input-shape", &b).parse({"--input"}),
      "unknown option '--input' (did you mean --input-scale or --input-shape?)", UsageError);
}

TEST_CASE("command line: numbers, help and the usage message") {
  using host::parse_number;
  using host::parse_whole;
  using host::UsageError;
  CHECK(parse_number("0.2860", "--mean") == doctest::Approx(0.286));
  CHECK(parse_number("-1e-3", "--input-bias") == doctest::Approx(-0.001));
  for (const char* bad : {"", " 1", "nan", "inf", "1e999", "0x10", "1,5", "1x"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_number(bad, "--std"), UsageError);
  }
  CHECK_THROWS_WITH_AS(parse_number("0", "--std", /*positive=*/true),
                       "--std must be positive, not '0'", UsageError);
  CHECK(parse_whole("010", "--n", 0, 100) == 10);  // decimal, not octal
  CHECK(parse_whole("4294967296", "--n", 0, UINT64_MAX) == 4294967296u);
  CHECK_THROWS_WITH_AS(parse_whole("5", "--n", 6, 2000000),
                       "--n expects a whole number of at least 6, not '5'", UsageError);

  using host::asks_for_help;
  CHECK(asks_for_help({"m.sedg", "--bogus", "--help"}));
  CHECK(asks_for_help({"-h"}));
  CHECK_FALSE(asks_for_help({"--", "--help"}));
  CHECK_FALSE(asks_for_help({"--helps"}));
  CHECK(host::usage_error_text("softedge eval", "expected one MODEL file", "softedge eval MODEL") ==
        "softedge eval: expected one MODEL file\nusage: softedge eval MODEL\n"
        "(see 'softedge eval --help')\n");
}

TEST_CASE("json text: one line, floats as typed, always valid") {
  using host::Json;
  using host::json_float;
  using host::json_line;
  CHECK(json_line({{"b", 1}, {"a", json_float(0.001f)}, {"c", nullptr}}) ==
        "{\"b\":1,\"a\":0.001,\"c\":null}\n");  // keys in the order written
  for (const float value : {0.1f, 1.0f / 255.0f, 3e-38f, FLT_MAX, -2.5f, 16777217.0f}) {
    CAPTURE(value);
    const Json read = Json::parse(json_line(Json(json_float(value))));
    CHECK(static_cast<float>(read.get<double>()) == value);  // round trip
  }
  CHECK(json_line(Json(json_float(0.1f))) == "0.1\n");
  CHECK(json_line(Json::array({json_float(NAN), HUGE_VAL})) == "[null,null]\n");
  // A file name that is not UTF-8 (and a control character) still gives valid JSON.
  const std::string line = json_line({{"file", std::string("a\xff\x01.pgm")}});
  CHECK(line == "{\"file\":\"a\xef\xbf\xbd\\u0001.pgm\"}\n");
  CHECK(Json::parse(line)["file"] == "a\xef\xbf\xbd\x01.pgm");
}
