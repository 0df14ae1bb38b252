// cmd_quantize.cpp — `softedge quantize`: a float model in, an int8 model out, and how the two
// compare on the test set.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "softedge/host/command_line.h"
#include "softedge/host/dataset.h"
#include "softedge/host/evaluation.h"
#include "softedge/host/file_io.h"
#include "softedge/host/json_text.h"
#include "softedge/host/output_paths.h"
#include "softedge/host/quantize.h"
#include "softedge/tools/commands.h"
#include "softedge/tools/file_named_errors.h"
#include "softedge/tools/loaded_model.h"

namespace softedge {
namespace tools {

namespace {

// The runtime must accept the int8 model (e.g. scales that overflow float are rejected).
void require_loadable(const std::string& in_path, const std::vector<uint8_t>& file) {
  const host::AlignedBytes bytes(file);
  Model model;
  const Status status = load(bytes.data(), bytes.size(), &model);
  if (status != Status::kOk) {
    throw std::runtime_error(in_path + ": the int8 model would not load: " +
                             status_message(status));
  }
}

int run_quantize(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string data_dir;
  bool no_calibration = false, json = false;
  host::CommandLine()
      .text("data", &data_dir)
      .flag("no-calibration", &no_calibration)
      .flag("json", &json)
      .positional(&files)
      .parse(args);
  if (files.size() != 2) throw UsageError("expected IN.sedg and OUT.sedg");
  const std::string in_path = files[0], out_path = files[1];
  const bool calibrate = !no_calibration;

  host::check_output_paths({in_path}, {out_path});
  const LoadedModel loaded(in_path);
  if (loaded.model().layers[0].weight_type != format::DType::kFloat32) {
    throw std::runtime_error(in_path + ": already an int8 model");
  }
  const std::vector<uint8_t> float_file = loaded.file_bytes();
  // Calibration and the comparison need Fashion-MNIST; --no-calibration needs no data.
  host::Dataset data;
  if (calibrate) {
    require_fashion_mnist_model(loaded);
    data = host::load_fashion_mnist(data_dir);
  }
  // Validate everything, then write, then report: the int8 model is checked by the runtime
  // (and compared) before anything is written, so a failure leaves OUT as it was.
  const host::ModelSpec float_spec = host::spec_of(loaded.model());
  const host::ModelSpec int8_spec = naming_file(
      in_path, [&] { return host::quantize_int8(float_spec, calibrate ? &data.train : nullptr); });
  const std::vector<uint8_t> int8_file =
      naming_file(in_path, [&] { return host::encode_model(int8_spec); });
  const size_t int8_layers = static_cast<size_t>(std::count_if(
      int8_spec.layers.begin(), int8_spec.layers.end(),
      [](const host::LayerSpec& l) { return l.weight_type == format::DType::kInt8; }));
  const uint32_t calibration_images =
      calibrate ? host::calibration_count(float_spec, data.train.count) : 0;
  host::Int8Comparison c;
  if (calibrate) {
    c = naming_file(in_path, [&] { return host::compare_int8(float_file, int8_file, data.test); });
  } else {
    require_loadable(in_path, int8_file);
  }
  host::write_file_atomically(out_path, int8_file);
  if (!calibrate) {
    std::printf(
        "wrote %s (%zu bytes, int8; float model %zu bytes); no calibration, no comparison\n",
        out_path.c_str(), int8_file.size(), float_file.size());
    return 0;
  }

  if (json) {
    const host::Json document = {
        {"model", in_path},
        {"int8_model", out_path},
        {"float_bytes", float_file.size()},
        {"int8_bytes", int8_file.size()},
        {"calibration_images", calibration_images},
        {"int8_layers", int8_layers},
        {"layers", int8_spec.layers.size()},
        {"float_accuracy", c.float_accuracy},
        {"int8_accuracy", c.int8_accuracy},
        {"agreement", c.agreement}};
    std::fputs(host::json_line(document).c_str(), stdout);
    return 0;
  }
  std::printf("wrote %s (%zu bytes, int8; the float model is %zu bytes)\n", out_path.c_str(),
              int8_file.size(), float_file.size());
  std::printf("calibration: activation ranges, weight rounding and bias correction from %u "
              "training images\n", calibration_images);
  if (int8_layers < int8_spec.layers.size()) {
    // The format's int8 layers read only pixels or uint8 activations (quantize.h).
    std::printf("int8 layers: the first %zu of %zu; after a layer without ReLU the rest stays "
                "float32\n", int8_layers, int8_spec.layers.size());
  }
  std::printf("test accuracy: float %.4f, int8 %.4f (%+.2f points)\n", c.float_accuracy,
              c.int8_accuracy, 100.0 * (c.int8_accuracy - c.float_accuracy));
  std::printf("same top class as the float model: %.2f%% of %u test images\n",
              100.0 * c.agreement, data.test.count);
  return 0;
}

}  // namespace

const Command kQuantizeCommand = {
    "quantize", "turn a float model into an int8 model and compare the two",
    "softedge quantize IN.sedg OUT.sedg [--data DIR] [--no-calibration] [--json]",
    "Writes OUT.sedg (atomically): the layers of IN.sedg (dense, convolution, pooling) with\n"
    "int8 weights (symmetric, per output channel) and int32 biases, reading uint8 pixels;\n"
    "ReLU layers pass uint8 activations on, requantized with integers (pools work on them);\n"
    "the last layer outputs float logits. A layer without ReLU (e.g. sigmoid) outputs floats\n"
    "and the layers after it stay float32. Calibration on Fashion-MNIST training images\n"
    "(10,000; 500 for convolution models) measures the activation ranges, picks each weight\n"
    "row's scale and rounding for the least output error, and folds the mean rounding error\n"
    "into the biases; then both models classify the test set through the runtime and the\n"
    "accuracies and their top-1 agreement are printed.\n"
    "\n"
    "options:\n"
    "  --data DIR        Fashion-MNIST directory (default: the usual places, see softedge-train)\n"
    "  --no-calibration  quantize without data: nearest rounding, no bias correction and no\n"
    "                    comparison (one int8 layer at most: ranges need data)\n"
    "  --json            print one JSON object instead of text\n"
    "  --help            show this help\n",
    run_quantize};

}  // namespace tools
}  // namespace softedge
