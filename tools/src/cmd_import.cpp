// cmd_import.cpp — `softedge import`: an ONNX model of a dense network in, a .sedg model out,
// checked through the runtime against a reference evaluation of the graph before it is written.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/host/bounded_file.h"
#include "softedge/host/command_line.h"
#include "softedge/host/file_io.h"
#include "softedge/host/json_text.h"
#include "softedge/host/output_paths.h"
#include "softedge/tools/commands.h"
#include "softedge/tools/onnx_import.h"
#include "softedge/tools/onnx_import_check.h"

namespace softedge {
namespace tools {

namespace {

constexpr size_t kMaxClassNamesFileBytes = size_t{1} << 20;

// "28x28x1" or "28x28" (one channel).
void parse_input_shape(const std::string& text, ImportOptions* options) {
  std::vector<uint32_t> sides;
  size_t start = 0;
  while (start <= text.size() && sides.size() < 4) {
    const size_t end = std::min(text.find('x', start), text.size());
    sides.push_back(static_cast<uint32_t>(
        host::parse_whole(text.substr(start, end - start), "--input-shape", 1, 65535)));
    start = end + 1;
  }
  if (sides.size() < 2 || sides.size() > 3) {
    throw UsageError("--input-shape expects HEIGHTxWIDTH or HEIGHTxWIDTHxCHANNELS, not '" + text +
                     "'");
  }
  options->height = sides[0];
  options->width = sides[1];
  options->channels = sides.size() == 3 ? sides[2] : 1;
}

// One name per line; a final line break is optional, "\r\n" line ends are fine.
std::vector<std::string> read_class_names(const std::string& path) {
  const std::vector<uint8_t> bytes = host::read_file_at_most(path, kMaxClassNamesFileBytes);
  std::string text(bytes.begin(), bytes.end());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string name = text.substr(start, end - start);
    if (!name.empty() && name.back() == '\r') name.pop_back();
    if (name.empty() || name.find('\0') != std::string::npos) {
      throw std::runtime_error(path + ": line " + std::to_string(names.size() + 1) +
                               " is empty or holds a NUL byte; give one class name per line");
    }
    names.push_back(name);
    start = end + 1;
  }
  return names;
}

// The command line as given: the numbers' texts are kept for the preprocessing note.
struct ImportArgs {
  std::vector<std::string> files;  // MODEL.onnx OUT.sedg
  std::string input_scale = "0.00392156862745098", input_bias = "0", mean, std;
  std::string input_shape, classes;
  bool json = false;
};

ImportOptions options_from(const ImportArgs& args, const host::CommandLine& line) {
  ImportOptions options;
  const bool affine = line.given("input-scale") || line.given("input-bias");
  const bool normalize = line.given("mean") || line.given("std");
  if (affine && normalize)
    throw UsageError("give --input-scale/--input-bias or --mean/--std, not both");
  if (normalize) {
    if (!line.given("mean") || !line.given("std")) {
      throw UsageError("--mean and --std go together");
    }
    const double mean = host::parse_number(args.mean, "--mean");
    const double std = host::parse_number(args.std, "--std", /*positive=*/true);
    // transforms.Normalize after ToTensor: x = (pixel / 255 - mean) / std.
    options.input_scale = 1.0 / (255.0 * std);
    options.input_bias = -mean / std;
    options.preprocessing_origin = "--mean " + args.mean + " --std " + args.std;
  } else if (affine) {
    options.input_scale = host::parse_number(args.input_scale, "--input-scale");
    options.input_bias = host::parse_number(args.input_bias, "--input-bias");
    options.preprocessing_origin = "--input-scale/--input-bias";
  }
  if (line.given("input-shape")) parse_input_shape(args.input_shape, &options);
  if (line.given("classes")) {
    options.class_names = read_class_names(args.classes);
    options.class_names_origin = "from --classes " + args.classes;
  }
  return options;
}

void print_text(const std::string& in_path, const std::string& out_path, const ImportedModel& m,
                const ImportCheck& check, size_t bytes, double seconds) {
  std::printf("read %s: ONNX opset %lld, producer %s\n", in_path.c_str(),
              static_cast<long long>(m.opset), m.producer.c_str());
  for (const std::string& step : m.steps) std::printf("  %s\n", step.c_str());
  std::printf("input: %s\n", m.input_note.c_str());
  std::printf("preprocessing: %s\n", m.preprocessing_note.c_str());
  std::printf("class names: %s\n", m.class_names_note.c_str());
  std::printf("layers:");
  for (const host::LayerSpec& l : m.spec.layers) {
    const char* kind = l.kind == format::LayerKind::kConv2d    ? "conv "
                       : l.kind == format::LayerKind::kMaxPool ? "max pool "
                       : l.kind == format::LayerKind::kAvgPool ? "average pool "
                                                               : "";
    std::printf(" %s%u->%u%s", kind, l.in_features, l.out_features,
                l.activation == format::Activation::kRelu      ? " relu,"
                : l.activation == format::Activation::kSigmoid ? " sigmoid,"
                                                               : ",");
  }
  std::printf(" softmax\n");
  std::printf(
      "checked through the runtime on %u images against the ONNX graph evaluated in "
      "double: max |delta log-probability| %.3g (limit %.3g), same top class on %u/%u\n",
      check.images, check.max_delta, check.tolerance, check.same_top_class, check.images);
  std::printf("wrote %s (%zu bytes) in %.3f s\n", out_path.c_str(), bytes, seconds);
}

void print_json(const std::string& in_path, const std::string& out_path, const ImportedModel& m,
                const ImportCheck& check, size_t bytes, double seconds) {
  host::Json layers = host::Json::array();
  for (const host::DenseLayerSpec& l : m.spec.layers) {
    layers.push_back({{"in", l.in_features},
                      {"out", l.out_features},
                      {"relu", l.activation == format::Activation::kRelu}});
  }
  const host::Json document = {
      {"onnx", in_path},
      {"model", out_path},
      {"opset", static_cast<long long>(m.opset)},
      {"producer", m.producer},
      {"bytes", bytes},
      {"input", {m.spec.input_height, m.spec.input_width, m.spec.input_channels}},
      {"input_scale", host::json_float(m.spec.input_scale)},
      {"input_bias", host::json_float(m.spec.input_bias)},
      {"lookup_table", !m.spec.input_lut.empty()},
      {"layers", layers},
      {"class_names", m.class_names_note},
      {"check_images", check.images},
      {"check_same_top_class", check.same_top_class},
      {"check_max_delta", check.max_delta},
      {"seconds", seconds}};
  std::fputs(host::json_line(document).c_str(), stdout);
}

int run_import(const std::vector<std::string>& args) {
  ImportArgs given;
  host::CommandLine line;
  line.text("input-scale", &given.input_scale)
      .text("input-bias", &given.input_bias)
      .text("mean", &given.mean)
      .text("std", &given.std)
      .text("input-shape", &given.input_shape)
      .text("classes", &given.classes)
      .flag("json", &given.json)
      .positional(&given.files)
      .parse(args);
  if (given.files.size() != 2) throw UsageError("expected MODEL.onnx and OUT.sedg");
  const std::string in_path = given.files[0], out_path = given.files[1];
  host::check_output_paths({in_path, given.classes}, {out_path});
  const ImportOptions options = options_from(given, line);

  const auto start = std::chrono::steady_clock::now();
  const std::vector<uint8_t> bytes = host::read_file_at_most(in_path, kMaxOnnxFileBytes);
  const onnx::ModelProto model = parse_onnx(in_path, bytes.data(), bytes.size());
  const ImportedModel imported = import_onnx(model, in_path, options);
  std::vector<uint8_t> encoded;
  try {
    encoded = host::encode_model(imported.spec);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(in_path +
                             ": the converted model is not a valid softedge model: " + e.what());
  }
  // Checked before writing: a model that does not compute what the graph computes is never written.
  const ImportCheck check = check_import(model, imported, encoded, in_path);
  if (!check.passed()) {
    throw std::runtime_error(in_path + ": the converted model differs from the ONNX graph: max " +
                             "|delta log-probability| " + std::to_string(check.max_delta) +
                             " over " + std::to_string(check.images) + " check images (limit " +
                             std::to_string(check.tolerance) + "); nothing written");
  }
  host::write_file_atomically(out_path, encoded);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (given.json) {
    print_json(in_path, out_path, imported, check, encoded.size(), seconds);
  } else {
    print_text(in_path, out_path, imported, check, encoded.size(), seconds);
  }
  return 0;
}

}  // namespace

const Command kImportCommand = {
    "import", "convert an ONNX dense or conv network (e.g. from torch.onnx.export) to .sedg",
    "softedge import MODEL.onnx OUT.sedg [--input-scale S] [--input-bias B | --mean M --std S]\n"
    "       [--input-shape HxWxC] [--classes NAMES.txt] [--json]",
    "Reads an ONNX model (opsets 9 to 17) whose graph is a chain of layers -- Conv (square\n"
    "kernel, symmetric pads, group 1), MaxPool / AveragePool (no pads), Flatten or Reshape, Gemm\n"
    "or MatMul (+ Add), Relu, Sigmoid, Identity, Dropout, constant Add/Sub/Mul/Div, a final\n"
    "Softmax or LogSoftmax (dropped: the runtime ends in softmax) -- and writes it (atomically)\n"
    "as a float32 .sedg model. Before writing, the model runs through the runtime on 8 check\n"
    "images and is compared with the ONNX graph evaluated in double. Anything the format cannot\n"
    "hold is an error naming the node, its op type and the opset; nothing is written then.\n"
    "See docs/ONNX.md.\n"
    "\n"
    "options:\n"
    "  --input-scale S, --input-bias B\n"
    "                   the graph's input x from a pixel p (0..255): x = p * S + B\n"
    "                   (default: S = 1/255, B = 0, torchvision's ToTensor)\n"
    "  --mean M --std S transforms.Normalize((M,), (S,)) after ToTensor: x = (p/255 - M) / S\n"
    "  --input-shape HxWxC\n"
    "                   the image shape, when the graph's is not fixed (or to override it)\n"
    "  --classes FILE   class names, one per line (default: the model's softedge metadata,\n"
    "                   else Fashion-MNIST's for 10 classes on 28x28, else class0..classN-1)\n"
    "  --json           print one JSON object instead of text\n"
    "  --help           show this help\n",
    run_import};

}  // namespace tools
}  // namespace softedge
