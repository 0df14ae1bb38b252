// cmd_inspect.cpp — `softedge inspect`: what a model file holds, as the runtime sees it.
#include <cstdio>
#include <string>
#include <vector>

#include "softedge/host/command_line.h"
#include "softedge/host/json_text.h"
#include "softedge/tools/commands.h"
#include "softedge/tools/loaded_model.h"

namespace softedge {
namespace tools {

namespace {

const char* activation_name(format::Activation activation) {
  switch (activation) {
    case format::Activation::kNone: return "none";
    case format::Activation::kRelu: return "relu";
    case format::Activation::kSigmoid: return "sigmoid";
  }
  return "unknown";
}

const char* kind_name(format::LayerKind kind) {
  switch (kind) {
    case format::LayerKind::kDense: return "dense";
    case format::LayerKind::kConv2d: return "conv2d";
    case format::LayerKind::kMaxPool: return "max_pool";
    case format::LayerKind::kAvgPool: return "avg_pool";
  }
  return "unknown";
}

const char* dtype_name(format::DType type) {
  switch (type) {
    case format::DType::kFloat32: return "float32";
    case format::DType::kInt8: return "int8";
  }
  return "unknown";
}

struct LayerSize {
  uint64_t parameters;  // weights + biases
  uint64_t bytes;       // as stored in the file
};

LayerSize layer_size(const Layer& layer) {
  // The tensors of the layer's mode (format.h): rows of weights, biases and any scales (a
  // convolution's rows are its output channels; a pool has none).
  const format::LayerTensorBytes bytes =
      format::layer_tensor_bytes(layer.mode, layer.row_length, layer.rows);
  const uint64_t parameters = static_cast<uint64_t>(layer.row_length) * layer.rows + layer.rows;
  return {parameters, bytes.weights + bytes.bias + bytes.scales};
}

bool is_pool(const Layer& layer) {
  return layer.kind == format::LayerKind::kMaxPool || layer.kind == format::LayerKind::kAvgPool;
}

std::string shape_text(format::Shape shape) {
  return std::to_string(shape.height) + "x" + std::to_string(shape.width) + "x" +
         std::to_string(shape.channels);
}

// 31400 -> "31,400": model sizes are read by people comparing them to a flash budget.
std::string grouped(uint64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

void print_text(const LoadedModel& loaded) {
  const Model& m = loaded.model();
  std::printf("model: %s\n", loaded.path().c_str());
  std::printf("  format version: %u\n", m.version);
  std::printf("  file size:      %s bytes\n", grouped(m.file_size).c_str());
  std::printf("  crc-32:         0x%08x (checksum ok)\n", static_cast<unsigned>(m.crc32));
  std::printf("input: %ux%ux%u (height x width x channels, %u uint8 pixels)\n",
              m.input_height, m.input_width, m.input_channels, m.input_size);
  if (m.input_lut != nullptr) {
    std::printf("  lookup table:  pixel -> table[pixel] first (256 bytes; e.g. 0->%u, 64->%u, "
                "128->%u, 255->%u)\n", m.input_lut[0], m.input_lut[64], m.input_lut[128],
                m.input_lut[255]);
  }
  if (m.layers[0].weight_type == format::DType::kInt8) {
    // The int8 layer reads the (remapped) pixels; the input scale is folded into its scales.
    std::printf("  preprocessing: none, uint8 pixels (int8 layer; its scales include %.6g)\n",
                m.input_scale);
  } else {
    std::printf("  preprocessing: feature = pixel * %.6g + %.6g%s\n", m.input_scale,
                m.input_bias, m.input_scale == 1.0f / 255.0f ? " (scale = 1/255)" : "");
  }

  std::printf("classes: %u\n", m.num_classes);
  for (uint32_t c = 0; c < m.num_classes; ++c) {
    std::printf("  %2u %s\n", c, class_name(m, c));
  }

  std::printf("layers: %u\n", m.layer_count);
  uint64_t total_parameters = 0, total_bytes = 0;
  for (uint32_t i = 0; i < m.layer_count; ++i) {
    const Layer& layer = m.layers[i];
    LayerSize size = layer_size(layer);
    total_parameters += size.parameters;
    total_bytes += size.bytes;
    if (layer.kind == format::LayerKind::kDense) {
      std::printf("  %u: dense %u -> %u, activation %s, %s weights, %s parameters (%s bytes)", i,
                  layer.in_features, layer.out_features, activation_name(layer.activation),
                  dtype_name(layer.weight_type), grouped(size.parameters).c_str(),
                  grouped(size.bytes).c_str());
    } else {
      // Shapes height x width x channels (NHWC), then the window.
      std::printf("  %u: %s %s -> %s, kernel %u, stride %u, padding %u", i,
                  kind_name(layer.kind), shape_text(layer.in_shape).c_str(),
                  shape_text(layer.out_shape).c_str(), layer.kernel_size, layer.stride,
                  layer.padding);
      if (is_pool(layer)) {
        if (layer.weight_type == format::DType::kInt8) {
          std::printf(", uint8 data (scale %.6g), no parameters\n", layer.output_scale);
          continue;
        }
        std::printf(", float32 data, no parameters");
      } else {
        std::printf(", activation %s, %s weights (%u rows of %u), %s parameters (%s bytes)",
                    activation_name(layer.activation), dtype_name(layer.weight_type), layer.rows,
                    layer.row_length, grouped(size.parameters).c_str(),
                    grouped(size.bytes).c_str());
      }
    }
    if (layer.mode == format::LayerMode::kInt8Uint8Output) {
      std::printf(", uint8 outputs (scale %.6g)", layer.output_scale);
    } else if (layer.mode == format::LayerMode::kInt8FloatOutput && !is_pool(layer) &&
               i + 1 < m.layer_count) {
      std::printf(", float outputs");
    }
    std::printf("\n");
  }
  std::printf("total parameters: %s (%s bytes)\n", grouped(total_parameters).c_str(),
              grouped(total_bytes).c_str());
  std::printf("inference scratch: %s bytes\n", grouped(scratch_bytes(m)).c_str());
}

void print_json(const LoadedModel& loaded) {
  const Model& m = loaded.model();
  char crc[16];
  std::snprintf(crc, sizeof crc, "0x%08x", static_cast<unsigned>(m.crc32));
  host::Json classes = host::Json::array(), layers = host::Json::array();
  for (uint32_t c = 0; c < m.num_classes; ++c) classes.push_back(class_name(m, c));
  uint64_t total_parameters = 0, total_bytes = 0;
  for (uint32_t i = 0; i < m.layer_count; ++i) {
    const Layer& layer = m.layers[i];
    LayerSize size = layer_size(layer);
    total_parameters += size.parameters;
    total_bytes += size.bytes;
    host::Json entry = {{"kind", kind_name(layer.kind)},
                        {"in_features", layer.in_features},
                        {"out_features", layer.out_features},
                        {"activation", activation_name(layer.activation)},
                        {"weight_type", dtype_name(layer.weight_type)},
                        {"parameters", size.parameters},
                        {"bytes", size.bytes}};
    if (layer.kind != format::LayerKind::kDense) {
      auto shape = [](format::Shape s) {
        return host::Json::array({s.height, s.width, s.channels});
      };
      entry["in_shape"] = shape(layer.in_shape);
      entry["out_shape"] = shape(layer.out_shape);
      entry["kernel_size"] = layer.kernel_size;
      entry["stride"] = layer.stride;
      entry["padding"] = layer.padding;
    }
    if (format::is_int8(layer.mode)) {
      entry["output_scale"] = host::json_float(layer.output_scale);  // 0: float outputs
    }
    layers.push_back(entry);
  }
  const host::Json document = {{"model", loaded.path()},
                               {"version", m.version},
                               {"file_size", m.file_size},
                               {"crc32", crc},
                               {"checksum_ok", true},
                               {"input",
                                {{"height", m.input_height},
                                 {"width", m.input_width},
                                 {"channels", m.input_channels},
                                 {"size", m.input_size},
                                 {"scale", host::json_float(m.input_scale)},
                                 {"bias", host::json_float(m.input_bias)}}},
                               {"classes", classes},
                               {"layers", layers},
                               {"total_parameters", total_parameters},
                               {"total_parameter_bytes", total_bytes},
                               {"scratch_bytes", scratch_bytes(m)}};
  std::fputs(host::json_line(document).c_str(), stdout);
}

int run_inspect(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  bool json = false;
  host::CommandLine().flag("json", &json).positional(&files).parse(args);
  if (files.size() != 1) throw UsageError("expected one MODEL file");
  // A file load() rejects (checksum included) throws here: main reports it, exit 1.
  LoadedModel loaded(files[0]);
  if (json) {
    print_json(loaded);
  } else {
    print_text(loaded);
  }
  return 0;
}

}  // namespace

const Command kInspectCommand = {
    "inspect", "what a model file holds: header, input, classes, layers, sizes",
    "softedge inspect MODEL [--json]",
    "Validates MODEL with the runtime's loader (magic, version, sizes, CRC-32, ...) and\n"
    "describes it: format version, file size and checksum, input shape and\n"
    "preprocessing, class names, each layer and the parameter counts.\n"
    "\n"
    "options:\n"
    "  --json       print one JSON object instead of text\n"
    "  --help       show this help\n",
    run_inspect};

}  // namespace tools
}  // namespace softedge
