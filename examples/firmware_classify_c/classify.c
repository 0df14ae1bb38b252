/* classify.c — the runtime from C, as firmware uses it: the model and a few test images are
 * compiled in (a header from `softedge export-c --test-images N`), all working memory is
 * one static buffer whose size the header gives at compile time; no heap, no file system.
 * It classifies the images and checks each answer against the class the desktop runtime
 * predicted for the same model and image (int8 models give identical logits everywhere).
 * C99; builds with `gcc -std=c99 -Wall -Wextra -pedantic` and links with the C compiler. */
#include <stdio.h>

#include <softedge/softedge_c.h>

#include "model_data.h"

/* One inference's working memory, sized at compile time (softedge_scratch_bytes() at run
 * time says the same); 64-byte aligned, as SIMD loads prefer. */
static unsigned char scratch[SOFTEDGE_MODEL_DATA_SCRATCH_BYTES] __attribute__((aligned(64)));
static softedge_model model;

int main(void) {
  softedge_status status = softedge_load(softedge_model_data, SOFTEDGE_MODEL_DATA_SIZE, &model);
  if (status != SOFTEDGE_OK) {
    printf("load failed: %s\n", softedge_status_message(status));
    return 1;
  }
  if (softedge_scratch_bytes(&model) > sizeof scratch) {
    printf("load failed: the model needs %lu bytes of scratch\n",
           (unsigned long)softedge_scratch_bytes(&model));
    return 1;
  }
  printf("softedge %s (C API): model %lu -> %lu, kernel %s\n", softedge_version(),
         (unsigned long)softedge_input_size(&model), (unsigned long)softedge_num_classes(&model),
         softedge_kernel_name());

  unsigned matches = 0, correct = 0, i;
  for (i = 0; i < SOFTEDGE_MODEL_DATA_TEST_IMAGES; ++i) {
    float probabilities[SOFTEDGE_MODEL_DATA_NUM_CLASSES];
    uint32_t top = 0;
    status = softedge_infer_u8(&model, softedge_model_data_test_pixels[i], SOFTEDGE_MODEL_DATA_INPUT_SIZE,
                               probabilities, SOFTEDGE_MODEL_DATA_NUM_CLASSES, scratch, sizeof scratch,
                               &top);
    if (status != SOFTEDGE_OK) {
      printf("image %u: inference failed: %s\n", i, softedge_status_message(status));
      return 1;
    }
    const unsigned label = softedge_model_data_test_labels[i];
    const int same_as_desktop = top == softedge_model_data_expected_classes[i];
    matches += same_as_desktop;
    correct += top == label;
    printf("image %u: %-12s %.3f  (label %s)%s\n", i, softedge_class_name(&model, top),
           (double)probabilities[top], softedge_class_name(&model, label),
           same_as_desktop ? "" : "  MISMATCH: the desktop predicted another class");
  }

  /* The batch call gives the same classes. */
  uint32_t batch_classes[SOFTEDGE_MODEL_DATA_TEST_IMAGES];
  status = softedge_infer_batch_u8(&model, &softedge_model_data_test_pixels[0][0],
                                   SOFTEDGE_MODEL_DATA_TEST_IMAGES, NULL, batch_classes, scratch,
                                   sizeof scratch);
  if (status != SOFTEDGE_OK) {
    printf("batch inference failed: %s\n", softedge_status_message(status));
    return 1;
  }
  for (i = 0; i < SOFTEDGE_MODEL_DATA_TEST_IMAGES; ++i) {
    if (batch_classes[i] != softedge_model_data_expected_classes[i]) {
      printf("image %u: batch MISMATCH: class %u\n", i, (unsigned)batch_classes[i]);
      return 1;
    }
  }
  printf("%u/%u predictions match the desktop; %u/%u correct\n", matches,
         (unsigned)SOFTEDGE_MODEL_DATA_TEST_IMAGES, correct, (unsigned)SOFTEDGE_MODEL_DATA_TEST_IMAGES);
  return matches == SOFTEDGE_MODEL_DATA_TEST_IMAGES ? 0 : 1;
}
