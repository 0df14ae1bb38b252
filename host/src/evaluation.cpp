#include "softedge/host/evaluation.h"

#include <stdexcept>
#include <string>

#include "softedge/host/aligned_bytes.h"
#include "softedge/inference.h"

namespace softedge {
namespace host {

std::vector<uint32_t> predict_classes(const Model& model, const Split& split) {
  std::vector<uint8_t> scratch(scratch_bytes(model));
  std::vector<uint32_t> predicted(split.count);
  const Status status = infer_batch_u8(model, split.pixels.data(), split.count, nullptr,
                                       predicted.data(), scratch.data(), scratch.size());
  if (status != Status::kOk) {
    throw std::runtime_error(std::string("inference failed: ") + status_message(status));
  }
  return predicted;
}

std::vector<uint32_t> predict_classes(const std::vector<uint8_t>& model_file, const Split& split) {
  const AlignedBytes bytes(model_file);
  Model model;
  const Status status = load(bytes.data(), bytes.size(), &model);
  if (status != Status::kOk) {
    throw std::runtime_error(std::string("runtime rejected the model: ") + status_message(status));
  }
  return predict_classes(model, split);
}

Int8Comparison compare_int8(const std::vector<uint8_t>& float_file,
                            const std::vector<uint8_t>& int8_file, const Split& split) {
  const std::vector<uint32_t> float_classes = predict_classes(float_file, split);
  const std::vector<uint32_t> int8_classes = predict_classes(int8_file, split);
  Int8Comparison result;
  result.float_accuracy = accuracy(float_classes, split);
  result.int8_accuracy = accuracy(int8_classes, split);
  result.agreement = agreement(float_classes, int8_classes);
  return result;
}

double accuracy(const std::vector<uint32_t>& predicted, const Split& split) {
  if (predicted.size() != split.count || split.count == 0) {
    throw std::invalid_argument("accuracy: one prediction per image is needed");
  }
  size_t correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == split.labels[i];
  return static_cast<double>(correct) / split.count;
}

double agreement(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size() || a.empty()) {
    throw std::invalid_argument("agreement: two predictions of the same images are needed");
  }
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / a.size();
}

}  // namespace host
}  // namespace softedge
