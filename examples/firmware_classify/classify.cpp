// classify.cpp — the runtime as firmware uses it: the model and a few test images are
// compiled in (a header from `softedge export-c --test-images N`), all working memory is one
// static buffer whose size the header gives at compile time; no heap, no file system.
// It classifies the images and checks each answer against the class the desktop runtime
// predicted for the same model and image (int8 models give identical logits everywhere).
#include <stdio.h>

#include "model_data.h"
#include "softedge/softedge.h"

namespace {

alignas(64) uint8_t scratch[SOFTEDGE_MODEL_DATA_SCRATCH_BYTES];

}  // namespace

int main() {
  softedge::Model model;
  const softedge::Status loaded =
      softedge::load(softedge_model_data, SOFTEDGE_MODEL_DATA_SIZE, &model);
  if (loaded != softedge::Status::kOk) {
    printf("load failed: %s\n", softedge::status_message(loaded));
    return 1;
  }
  printf("model: %u -> %u, format version %u, kernel %s\n", static_cast<unsigned>(model.input_size),
         static_cast<unsigned>(model.num_classes), static_cast<unsigned>(model.version),
         softedge::active_kernels().name);

  unsigned matches = 0, correct = 0;
  for (unsigned i = 0; i < SOFTEDGE_MODEL_DATA_TEST_IMAGES; ++i) {
    float probabilities[SOFTEDGE_MODEL_DATA_NUM_CLASSES];
    softedge::Prediction prediction;
    const softedge::Status status = softedge::infer_u8(
        model, softedge_model_data_test_pixels[i], SOFTEDGE_MODEL_DATA_INPUT_SIZE, probabilities,
        SOFTEDGE_MODEL_DATA_NUM_CLASSES, scratch, sizeof scratch, &prediction);
    if (status != softedge::Status::kOk) {
      printf("image %u: inference failed: %s\n", i, softedge::status_message(status));
      return 1;
    }
    const unsigned label = softedge_model_data_test_labels[i];
    const bool same_as_desktop = prediction.top_class == softedge_model_data_expected_classes[i];
    matches += same_as_desktop;
    correct += prediction.top_class == label;
    printf("image %u: %-12s %.3f  (label %s)%s\n", i, softedge::class_name(model, prediction.top_class),
           static_cast<double>(prediction.top_probability), softedge::class_name(model, label),
           same_as_desktop ? "" : "  MISMATCH: the desktop predicted another class");
  }
  printf("%u/%u predictions match the desktop; %u/%u correct\n", matches,
         static_cast<unsigned>(SOFTEDGE_MODEL_DATA_TEST_IMAGES), correct,
         static_cast<unsigned>(SOFTEDGE_MODEL_DATA_TEST_IMAGES));
  return matches == SOFTEDGE_MODEL_DATA_TEST_IMAGES ? 0 : 1;
}
