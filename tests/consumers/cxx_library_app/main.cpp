// Classifies the test images of an export-c header through the fashion library and compares
// each class with the one the desktop predicted.
#include <stdio.h>

#include <fashion/classifier.h>

#include "model_data.h"

int main() {
  fashion::Classifier classifier(softedge_model_data, SOFTEDGE_MODEL_DATA_SIZE);
  if (classifier.status() != softedge::Status::kOk) {
    printf("load failed: %s\n", softedge::status_message(classifier.status()));
    return 1;
  }
  unsigned matches = 0;
  for (unsigned i = 0; i < SOFTEDGE_MODEL_DATA_TEST_IMAGES; ++i) {
    const int top = classifier.classify(softedge_model_data_test_pixels[i]);
    const bool same = top == softedge_model_data_expected_classes[i];
    matches += same;
    printf("image %u: %s%s\n", i, top < 0 ? "failed" : classifier.class_name(top),
           same ? "" : "  MISMATCH");
  }
  printf("%u/%u predictions match the desktop\n", matches, SOFTEDGE_MODEL_DATA_TEST_IMAGES);
  return matches == SOFTEDGE_MODEL_DATA_TEST_IMAGES ? 0 : 1;
}
