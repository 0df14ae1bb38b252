// inference_loop — N inferences of a synthetic 784 -> 10 model (float32 or int8) on one
// kernel set, and nothing else. Under qemu with the instruction-counting plugin
// (scripts/count-instructions) the difference between N and 0 inferences, divided by N, is a
// repeatable cost per inference on ARM, where emulated time means nothing. The kernels have
// no data-dependent branches, so synthetic weights and pixels count the same as real ones.
//   inference_loop float|int8 N [KERNEL]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include "softedge/aligned_bytes.h"
#include "softedge/model_writer.h"
#include "softedge/softedge.h"

namespace {

softedge::ModelSpec synthetic_model(bool int8) {
  softedge::ModelSpec spec;
  for (int c = 0; c < 10; ++c) spec.class_names.push_back("c" + std::to_string(c));
  softedge::DenseLayerSpec layer;
  layer.in_features = 784;
  layer.out_features = 10;
  unsigned state = 7;
  for (int i = 0; i < 7840; ++i) {
    state = state * 1664525u + 1013904223u;
    const int value = static_cast<int>(state >> 24) - 128;
    if (int8) {
      layer.weights_i8.push_back(static_cast<int8_t>(value < -127 ? -127 : value));
    } else {
      layer.weights.push_back(static_cast<float>(value) / 4096.0f);
    }
  }
  if (int8) {
    layer.weight_type = softedge::format::DType::kInt8;
    layer.bias_i32.assign(10, 100);
    layer.scales.assign(10, 1e-5f);
  } else {
    layer.bias.assign(10, 0.01f);
  }
  spec.layers.push_back(layer);
  return spec;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || (strcmp(argv[1], "float") != 0 && strcmp(argv[1], "int8") != 0)) {
    fprintf(stderr, "usage: inference_loop float|int8 N [KERNEL]\n");
    return 2;
  }
  const bool int8 = strcmp(argv[1], "int8") == 0;
  const long count = strtol(argv[2], nullptr, 10);
  if (argc > 3 && softedge::force_kernel(argv[3]) != softedge::Status::kOk) {
    fprintf(stderr, "inference_loop: kernel %s is not available here\n", argv[3]);
    return 1;
  }
  const softedge::AlignedBytes file(softedge::encode_model(synthetic_model(int8)));
  softedge::Model model;
  if (softedge::load(file.data(), file.size(), &model) != softedge::Status::kOk) return 1;
  std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
  std::vector<uint8_t> pixels(784);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 37);
  float probabilities[10];
  softedge::Prediction prediction{};
  unsigned checksum = 0;
  for (long n = 0; n < count; ++n) {
    pixels[n % 784] = static_cast<uint8_t>(n);  // a different image each time
    softedge::infer_u8(model, pixels.data(), 784, probabilities, 10, scratch.data(), scratch.size(),
                       &prediction);
    checksum += prediction.top_class;
  }
  printf("%s model, kernel %s, %ld inferences, checksum %u\n", argv[1],
         softedge::active_kernels().name, count, checksum);
  return 0;
}
