// onnx_import_check.cpp — see onnx_import_check.h.
#include "softedge/tools/onnx_import_check.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "softedge/host/aligned_bytes.h"
#include "softedge/softedge.h"
#include "softedge/tools/onnx_evaluator.h"

namespace softedge {
namespace tools {

namespace {

// Classes whose reference log-probability is below this are left out: float32 probabilities
// that small carry few significant bits (and underflow to 0 below about -87).
constexpr double kLowestComparedLogProbability = -20.0;

// Image n of the check set: black, white, a ramp, stripes, then pseudo-random pixels.
std::vector<uint8_t> check_image(uint32_t n, uint32_t size) {
  std::vector<uint8_t> pixels(size);
  uint32_t state = 2463534242u + n;
  for (uint32_t i = 0; i < size; ++i) {
    state = state * 1664525u + 1013904223u;
    uint8_t value = static_cast<uint8_t>(state >> 24);
    if (n == 0) value = 0;
    if (n == 1) value = 255;
    if (n == 2) value = static_cast<uint8_t>(i * 255 / std::max<uint32_t>(size - 1, 1));
    if (n == 3) value = (i / 3) % 2 ? 200 : 10;
    pixels[i] = value;
  }
  return pixels;
}

// The graph evaluated on one image up to the logits value.
// `constants` holds the initializers; values computed for this image go to a map of their own.
std::vector<double> reference_logits(const onnx::ModelProto& model, const ImportedModel& imported,
                                     const std::map<std::string, Tensor>& constants,
                                     const std::vector<uint8_t>& pixels, const std::string& file) {
  std::map<std::string, Tensor> values;
  Tensor input;
  input.type =
      imported.input_is_uint8 ? onnx::TensorProto_DataType_UINT8 : onnx::TensorProto_DataType_FLOAT;
  input.shape = {1};
  input.shape.insert(input.shape.end(), imported.input_dims.begin(), imported.input_dims.end());
  // A model starting with a conv/pool layer reads H x W x C pixels; the graph takes C x H x W.
  const std::vector<int64_t>& dims = imported.input_dims;
  const bool planar = imported.spatial_input && dims.size() == 3 && dims[0] > 1;
  const size_t channels = planar ? static_cast<size_t>(dims[0]) : 1;
  const size_t plane = pixels.size() / channels;
  for (size_t i = 0; i < pixels.size(); ++i) {
    const uint8_t p = planar ? pixels[(i % plane) * channels + i / plane] : pixels[i];
    const double x = p * imported.feed_scale + imported.feed_bias;
    input.values.push_back(imported.input_is_uint8 ? p
                                                   : static_cast<double>(static_cast<float>(x)));
  }
  values[imported.input_name] = input;

  const int64_t opset = default_opset(model);
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (values.count(imported.logits_name)) break;
    std::vector<const Tensor*> inputs;
    for (const std::string& name : node.input()) {
      auto found = values.find(name);
      auto constant = constants.find(name);
      inputs.push_back(found != values.end()         ? &found->second
                       : constant != constants.end() ? &constant->second
                                                     : nullptr);
    }
    try {
      std::vector<Tensor> outputs = evaluate_node(node, opset, inputs);
      for (int i = 0; i < node.output_size() && i < static_cast<int>(outputs.size()); ++i) {
        values[node.output(i)] = std::move(outputs[i]);
      }
    } catch (const OnnxTensorError& e) {
      throw OnnxImportError(file + ": the reference evaluation failed at node '" + node.name() +
                            "' (" + node.op_type() + "): " + e.what());
    }
  }
  auto logits = values.find(imported.logits_name);
  if (logits == values.end()) {
    throw OnnxImportError(file + ": the reference evaluation did not reach '" +
                          imported.logits_name + "'");
  }
  return logits->second.values;
}

std::vector<double> log_softmax(const std::vector<double>& z) {
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (double v : z) sum += std::exp(v - top);
  std::vector<double> out;
  for (double v : z) out.push_back(v - top - std::log(sum));
  return out;
}

}  // namespace

ImportCheck check_import(const onnx::ModelProto& model, const ImportedModel& imported,
                         const std::vector<uint8_t>& model_bytes, const std::string& file) {
  const host::AlignedBytes bytes(model_bytes);
  Model runtime_model;
  const Status status = load(bytes.data(), bytes.size(), &runtime_model);
  if (status != Status::kOk) {
    throw OnnxImportError(file +
                          ": the runtime rejects the converted model: " + status_message(status));
  }
  std::vector<uint8_t> scratch(scratch_bytes(runtime_model));
  std::vector<float> probabilities(runtime_model.num_classes);

  std::map<std::string, Tensor> constants;
  for (const onnx::TensorProto& t : model.graph().initializer()) {
    try {
      constants[t.name()] = tensor_from_proto(t);
    } catch (const OnnxTensorError&) {
      // Unused by the chain (the importer read every one it uses): the evaluation never needs it.
    }
  }
  ImportCheck check;
  for (uint32_t n = 0; n < kCheckImages; ++n) {
    const std::vector<uint8_t> pixels = check_image(n, runtime_model.input_size);
    const std::vector<double> logits = reference_logits(model, imported, constants, pixels, file);
    if (logits.size() != runtime_model.num_classes) {
      throw OnnxImportError(file + ": the reference gives " + std::to_string(logits.size()) +
                            " logits for " + std::to_string(runtime_model.num_classes) +
                            " classes");
    }
    Prediction prediction{};
    const Status s = infer_u8(runtime_model, pixels.data(), pixels.size(), probabilities.data(),
                              probabilities.size(), scratch.data(), scratch.size(), &prediction);
    if (s != Status::kOk) {
      throw OnnxImportError(file + ": the runtime fails on check image " + std::to_string(n) +
                            ": " + status_message(s));
    }
    const std::vector<double> expected = log_softmax(logits);
    double largest_logit = 0;
    for (double z : logits) largest_logit = std::max(largest_logit, std::fabs(z));
    // float32 arithmetic against double: allow a relative error on the logits' scale.
    check.tolerance = std::max(check.tolerance, 1e-4 * (1.0 + largest_logit));
    for (size_t c = 0; c < logits.size(); ++c) {
      if (expected[c] < kLowestComparedLogProbability) continue;
      const double got = std::log(static_cast<double>(probabilities[c]));
      const double delta = std::fabs(got - expected[c]);
      check.max_delta = std::max(check.max_delta, std::isfinite(delta) ? delta : HUGE_VAL);
    }
    const size_t top =
        static_cast<size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    check.same_top_class += prediction.top_class == top;
    ++check.images;
  }
  return check;
}

}  // namespace tools
}  // namespace softedge
