#include "softedge/train/network_evaluation.h"

#include <algorithm>
#include <stdexcept>

#include "softedge/train/flush_denormals.h"
#include "softedge/train/split_check.h"

namespace softedge {
namespace train {
double network_accuracy(Network& net, const FeatureMap& features, const host::Split& split,
                        const std::vector<uint32_t>& indices, ThreadPool* team) {
  const uint32_t count = indices.empty() ? split.count : static_cast<uint32_t>(indices.size());
  if (count == 0) return 0.0;
  net.reserve(std::min(count, kEvalRows));
  std::vector<uint8_t> labels(kEvalRows);
  uint32_t correct = 0;
  for (uint32_t first = 0; first < count; first += kEvalRows) {
    const uint32_t rows = std::min(kEvalRows, count - first);
    const uint32_t* rows_of = indices.empty() ? nullptr : indices.data() + first;
    features.gather(split, rows_of, first, rows, net.input(), team);
    for (uint32_t r = 0; r < rows; ++r) {
      labels[r] = split.labels[rows_of != nullptr ? rows_of[r] : first + r];
    }
    net.forward(rows, team);
    correct += net.loss(labels.data(), rows, 0.0f, false).correct;
  }
  return static_cast<double>(correct) / count;
}

void network_logits(const std::vector<DenseParams>& layers, const float* features, uint32_t rows,
                    float* logits, uint32_t threads) {
  Network net(network_layers(layers));
  const ScopedFlushDenormals flush;  // as in training
  ThreadPool pool(std::max(1u, threads));
  net.reserve(std::min(rows, kEvalRows));
  const uint32_t in = net.inputs(), classes = net.classes();
  for (uint32_t first = 0; first < rows; first += kEvalRows) {
    const uint32_t n = std::min(kEvalRows, rows - first);
    std::copy(features + size_t{first} * in, features + size_t{first + n} * in, net.input());
    net.forward(n, team_of(pool));
    std::copy(net.logits(), net.logits() + size_t{n} * classes, logits + size_t{first} * classes);
  }
}

std::vector<uint32_t> network_predict(const std::vector<DenseParams>& layers,
                                      const InputTransform& transform, const host::Split& split,
                                      uint32_t threads) {
  check_split(split, "evaluation");
  Network net(network_layers(layers));
  if (net.inputs() != host::kImagePixels) {
    throw std::invalid_argument("network_predict: the first layer does not take 784 pixels");
  }
  const FeatureMap features(transform);
  const ScopedFlushDenormals flush;
  ThreadPool pool(std::max(1u, threads));
  net.reserve(std::min(std::max(split.count, 1u), kEvalRows));
  std::vector<uint32_t> predicted(split.count);
  const uint32_t classes = net.classes();
  for (uint32_t first = 0; first < split.count; first += kEvalRows) {
    const uint32_t rows = std::min(kEvalRows, split.count - first);
    features.gather(split, nullptr, first, rows, net.input(), team_of(pool));
    net.forward(rows, team_of(pool));
    for (uint32_t r = 0; r < rows; ++r) {
      const float* z = net.logits() + size_t{r} * classes;
      predicted[first + r] = static_cast<uint32_t>(std::max_element(z, z + classes) - z);
    }
  }
  return predicted;
}

double network_loss_and_gradient(const std::vector<DenseParams>& layers, const float* features,
                                 const uint8_t* labels, uint32_t rows,
                                 std::vector<DenseParams>* gradient, float label_smoothing,
                                 uint32_t threads) {
  if (rows == 0) throw std::invalid_argument("network_loss_and_gradient: no rows");
  Network net(network_layers(layers));
  for (uint32_t r = 0; r < rows; ++r) {
    if (labels[r] >= net.classes()) throw std::invalid_argument("label out of range");
  }
  const ScopedFlushDenormals flush;
  ThreadPool pool(std::max(1u, threads));
  net.reserve(rows);
  std::copy(features, features + size_t{rows} * net.inputs(), net.input());
  net.forward(rows, team_of(pool));
  const BatchResult result = net.loss(labels, rows, label_smoothing, gradient != nullptr);
  if (gradient != nullptr) {
    net.backward(rows, team_of(pool));
    gradient->clear();
    for (const NetworkLayer& layer : net.layers()) {
      gradient->push_back(
          network_dense_params(layer.in, layer.out, layer.grad_wt.data(),
                               layer.grad_bias.data()));
    }
  }
  return result.loss_sum / rows;
}

}  // namespace train
}  // namespace softedge
