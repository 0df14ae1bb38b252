// model_fixtures.h — small models the runtime tests build for themselves.
#ifndef SOFTEDGE_TESTS_MODEL_FIXTURES_H
#define SOFTEDGE_TESTS_MODEL_FIXTURES_H

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/crc32.h"
#include "softedge/format.h"
#include "softedge/host/model_writer.h"
#include "softedge/inference.h"
#include "softedge/model.h"

namespace fixtures {

// Deterministic values in [-1, 1) (a 32-bit LCG: reproducible on every target).
class Values {
 public:
  explicit Values(uint32_t seed) : state_(seed) {}
  float next() {
    state_ = state_ * 1664525u + 1013904223u;
    return static_cast<float>(state_ >> 8) / 8388608.0f - 1.0f;
  }

 private:
  uint32_t state_;
};

// `count` reproducible pixel values spread over 0..255.
inline std::vector<uint8_t> pixels(size_t count, uint32_t seed) {
  std::vector<uint8_t> result(count);
  Values values(seed);
  for (uint8_t& p : result) p = static_cast<uint8_t>((values.next() + 1.0f) * 127.9f);
  return result;
}

// A dense layer with reproducible weights of magnitude about `scale`.
inline softedge::host::DenseLayerSpec dense_layer(uint32_t in, uint32_t out, uint32_t seed,
                                             float scale = 0.1f,
                                             softedge::format::Activation act =
                                                 softedge::format::Activation::kNone) {
  softedge::host::DenseLayerSpec layer;
  layer.in_features = in;
  layer.out_features = out;
  layer.activation = act;
  Values values(seed);
  for (uint32_t i = 0; i < in * out; ++i) layer.weights.push_back(values.next() * scale);
  for (uint32_t o = 0; o < out; ++o) layer.bias.push_back(values.next() * scale);
  return layer;
}

inline std::vector<std::string> class_names(uint32_t count) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < count; ++i) names.push_back("class" + std::to_string(i));
  return names;
}

// Input height x width, one dense layer to `classes` outputs.
inline softedge::host::ModelSpec linear_spec(uint16_t height, uint16_t width, uint32_t classes,
                                            uint32_t seed = 1) {
  softedge::host::ModelSpec spec;
  spec.input_height = height;
  spec.input_width = width;
  spec.input_channels = 1;
  spec.class_names = class_names(classes);
  spec.layers.push_back(dense_layer(uint32_t{height} * width, classes, seed));
  return spec;
}

// The Fashion-MNIST shape: 28 x 28 -> 10.
inline softedge::host::ModelSpec mnist_linear_spec(uint32_t seed = 1) {
  return linear_spec(28, 28, 10, seed);
}

// The same shape with an int8 layer: weights in [-127, 127], biases and scales reproducible.
inline softedge::host::ModelSpec mnist_int8_spec(uint32_t seed = 5) {
  softedge::host::ModelSpec spec = mnist_linear_spec(seed);
  softedge::host::DenseLayerSpec& layer = spec.layers[0];
  layer.weight_type = softedge::format::DType::kInt8;
  layer.weights.clear();
  layer.bias.clear();
  Values values(seed);
  for (size_t i = 0; i < 7840; ++i)
    layer.weights_i8.push_back(static_cast<int8_t>(values.next() * 127.9f));
  for (uint32_t o = 0; o < 10; ++o) {
    layer.bias_i32.push_back(static_cast<int32_t>(values.next() * 50000.0f));
    layer.scales.push_back(1e-5f * (1.0f + 0.1f * o));
  }
  return spec;
}

// A spec encoded, loaded by the runtime (check `status`), with scratch of the size it asks.
struct LoadedModel {
  std::vector<uint8_t> bytes;
  softedge::Model model{};
  softedge::Status status;
  std::vector<uint8_t> scratch;

  explicit LoadedModel(const softedge::host::ModelSpec& spec)
      : bytes(softedge::host::encode_model(spec)),
        status(softedge::load(bytes.data(), bytes.size(), &model)),
        scratch(softedge::scratch_bytes(model)) {}
};

// After editing header fields by hand, recompute the CRC so the edit reaches the structural
// checks (a hostile file can carry a valid checksum).
inline void refresh_crc(std::vector<uint8_t>& file) {
  softedge::format::write_u32(&file[softedge::format::header::kCrc32],
                              softedge::model_file_crc(file.data(), file.size()));
}

}  // namespace fixtures

#endif
