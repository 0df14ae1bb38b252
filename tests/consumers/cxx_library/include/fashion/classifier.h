// fashion/classifier.h — a consumer's own C++ wrapper over softedge::runtime: it owns the
// scratch memory and answers with a class index.
#ifndef FASHION_CLASSIFIER_H
#define FASHION_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include <vector>

#include <softedge/softedge.h>

namespace fashion {

class Classifier {
 public:
  // `model` must outlive the classifier (softedge views it without copying).
  Classifier(const uint8_t* model, size_t size);

  softedge::Status status() const { return status_; }
  // The class of one image of input_size() pixels, or -1 on failure.
  int classify(const uint8_t* pixels);
  uint32_t input_size() const { return model_.input_size; }
  const char* class_name(uint32_t index) const { return softedge::class_name(model_, index); }

 private:
  softedge::Model model_;
  softedge::Status status_;
  std::vector<uint8_t> scratch_;
  std::vector<float> probabilities_;
};

}  // namespace fashion

#endif
