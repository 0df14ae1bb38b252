// inference_loop — N inferences of a test-fixture model on one kernel set, and nothing else:
// 784 -> 10 (float32 or int8), or the shape of `softedge-train --arch cnn` (cnn-float,
// cnn-int8). Under qemu with the instruction-counting plugin
// (scripts/count-instructions) the difference between N and 0 inferences, divided by N, is a
// repeatable cost per inference on ARM, where emulated time means nothing. The kernels have
// no data-dependent branches, so fixture weights and pixels count the same as real ones.
//   inference_loop float|int8|cnn-float|cnn-int8 N [KERNEL]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include "runtime/conv_model_fixtures.h"
#include "runtime/model_fixtures.h"
#include "softedge/host/aligned_bytes.h"
#include "softedge/softedge.h"

int main(int argc, char** argv) {
  const char* const kinds[] = {"float", "int8", "cnn-float", "cnn-int8"};
  int kind = -1;
  for (int k = 0; k < 4 && argc >= 3; ++k) {
    if (strcmp(argv[1], kinds[k]) == 0) kind = k;
  }
  if (kind < 0) {
    fprintf(stderr, "usage: inference_loop float|int8|cnn-float|cnn-int8 N [KERNEL]\n");
    return 2;
  }
  const bool int8 = kind % 2 == 1;
  const long count = strtol(argv[2], nullptr, 10);
  if (argc > 3 && softedge::force_kernel(argv[3]) != softedge::Status::kOk) {
    fprintf(stderr, "inference_loop: kernel %s is not available here\n", argv[3]);
    return 1;
  }
  const softedge::host::AlignedBytes file(softedge::host::encode_model(
      kind >= 2 ? fixtures::default_cnn_spec(int8)
                : int8 ? fixtures::mnist_int8_spec() : fixtures::mnist_linear_spec()));
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
