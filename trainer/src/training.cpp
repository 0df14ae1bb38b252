#include "softedge/train/training.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "softedge/host/evaluation.h"
#include "softedge/model.h"

namespace softedge {
namespace train {

TrainResult train_softmax_regression(
    const host::Split& train, const host::Split* test, const TrainConfig& config,
    const std::function<void(const host::EpochReport&)>& on_epoch) {
  if (train.count == 0 || config.batch_size == 0 || config.epochs == 0) {
    throw std::invalid_argument("training needs data, a batch size and at least one epoch");
  }
  Rng rng(config.seed);
  ThreadPool pool(config.threads);
  ThreadPool* team = team_of(pool);
  TrainResult result;
  result.params = init_linear(host::kImagePixels, host::kNumClasses, config.init_stddev, rng);

  std::vector<uint32_t> order(train.count);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<const uint8_t*> images;
  std::vector<uint8_t> labels;
  SgdWorkspace workspace;
  for (uint32_t epoch = 1; epoch <= config.epochs; ++epoch) {
    rng.shuffle(order);
    double loss_sum = 0.0;
    uint64_t correct = 0;
    for (size_t first = 0; first < train.count; first += config.batch_size) {
      const uint32_t rows =
          static_cast<uint32_t>(std::min<size_t>(config.batch_size, train.count - first));
      images.resize(rows);
      labels.resize(rows);
      for (uint32_t r = 0; r < rows; ++r) {
        images[r] = &train.pixels[size_t{order[first + r]} * host::kImagePixels];
        labels[r] = train.labels[order[first + r]];
      }
      const BatchResult batch = sgd_step(result.params, images.data(), kPixelScale, labels.data(),
                                         rows, config.learning_rate, workspace, team);
      loss_sum += batch.loss_sum;
      correct += batch.correct;
    }
    host::EpochReport report;
    report.epoch = epoch;
    report.train_loss = loss_sum / train.count;
    report.train_accuracy = static_cast<double>(correct) / train.count;
    if (test != nullptr) {
      const std::vector<uint8_t> file = host::encode_model(make_model_spec({result.params}));
      report.test_accuracy = runtime_accuracy(file, *test);
    }
    result.epochs.push_back(report);
    if (on_epoch) on_epoch(report);
  }
  return result;
}

double runtime_accuracy(const std::vector<uint8_t>& model_file, const host::Split& split) {
  return host::accuracy(host::predict_classes(model_file, split), split);
}

}  // namespace train
}  // namespace softedge
