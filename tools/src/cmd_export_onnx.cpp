// cmd_export_onnx.cpp — `softedge export-onnx`: a .sedg model as an ONNX graph (opset 13) that
// other runtimes run; int8 models as the float model they approximate (dequantize.h).
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <onnx/checker.h>

#include "softedge/host/command_line.h"
#include "softedge/host/file_io.h"
#include "softedge/host/output_paths.h"
#include "softedge/tools/commands.h"
#include "softedge/tools/dequantize.h"
#include "softedge/tools/loaded_model.h"
#include "softedge/tools/onnx_export.h"

namespace softedge {
namespace tools {

namespace {

int run_export_onnx(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  host::CommandLine().positional(&files).parse(args);
  if (files.size() != 2) throw UsageError("expected MODEL.sedg and OUT.onnx");
  const std::string in_path = files[0], out_path = files[1];

  host::check_output_paths({in_path}, {out_path});
  const LoadedModel loaded(in_path);
  const host::ModelSpec spec = host::spec_of(loaded.model());
  const bool int8 = spec.layers[0].weight_type == format::DType::kInt8;
  const std::string description =
      "softedge model " + in_path.substr(in_path.find_last_of('/') + 1) +
      (int8 ? " (int8, exported as its dequantized float equivalent)" : "") +
      ". Input: raw uint8 pixels [batch, channels, height, width]; output: class probabilities.";
  onnx::ModelProto model;
  try {
    model = export_onnx(dequantized(spec), description);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(in_path + ": " + e.what());
  }
  onnx::checker::check_model(model);  // a failure here is a bug in the exporter
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    throw std::runtime_error(out_path + ": cannot serialize the ONNX model");
  host::write_file_atomically(out_path, std::vector<uint8_t>(bytes.begin(), bytes.end()));

  const Model& m = loaded.model();
  std::printf("wrote %s (%zu bytes): ONNX opset %lld, %d nodes, onnx.checker passes\n",
              out_path.c_str(), bytes.size(), static_cast<long long>(kExportOpset),
              model.graph().node_size());
  std::printf(
      "input 'pixels': uint8 [batch, %u, %u, %u]%s; output 'probabilities': float "
      "[batch, %u]\n",
      m.input_channels, m.input_height, m.input_width,
      m.input_lut != nullptr ? ", through the lookup table" : "", m.num_classes);
  if (int8) {
    std::printf(
        "int8 model: exported as its dequantized float equivalent (weights q * scale; "
        "hidden activations are not rounded to uint8 steps)\n");
  }
  return 0;
}

}  // namespace

const Command kExportOnnxCommand = {
    "export-onnx", "write a model as an ONNX graph (opset 13) for other runtimes",
    "softedge export-onnx MODEL.sedg OUT.onnx",
    "Writes OUT.onnx (atomically): input 'pixels', uint8 [batch, C, H, W]; the model's lookup\n"
    "table (Gather), input scale and bias (Mul, Add); Flatten; one Gemm (+ Relu or Sigmoid) per\n"
    "layer; Softmax; output 'probabilities', float [batch, classes]. Convolution and pooling\n"
    "layers become Conv (weights OIHW), MaxPool, AveragePool on [batch, C, H, W], with the\n"
    "Flatten before the first dense layer. Class names go into the metadata\n"
    "(softedge.class_names), so `softedge import` of the file gives back the same .sedg bytes.\n"
    "int8 models are written as their dequantized float equivalent. The graph passes\n"
    "onnx.checker. See docs/ONNX.md.\n"
    "\n"
    "options:\n"
    "  --help   show this help\n",
    run_export_onnx};

}  // namespace tools
}  // namespace softedge
