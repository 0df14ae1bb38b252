#include "fashion/classifier.h"

namespace fashion {

Classifier::Classifier(const uint8_t* model, size_t size)
    : model_(), status_(softedge::load(model, size, &model_)),
      scratch_(softedge::scratch_bytes(model_)), probabilities_(model_.num_classes) {}

int Classifier::classify(const uint8_t* pixels) {
  softedge::Prediction prediction;
  if (status_ != softedge::Status::kOk ||
      softedge::infer_u8(model_, pixels, model_.input_size, probabilities_.data(),
                         probabilities_.size(), scratch_.data(), scratch_.size(),
                         &prediction) != softedge::Status::kOk) {
    return -1;
  }
  return static_cast<int>(prediction.top_class);
}

}  // namespace fashion
