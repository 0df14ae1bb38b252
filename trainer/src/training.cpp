#include "softedge/train/training.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

#include "softedge/host/evaluation.h"
#include "softedge/model.h"

namespace softedge {
namespace train {
namespace {

// Gathers the pixels of rows `order[first, first + rows)` of the split, a unit of
// kGatherRows rows at a time (shared by the team, if any).
// Rows are scattered over 47 MB: ask for a row's cache lines this many rows ahead, or each
// row waits for memory in turn.
constexpr uint32_t kPrefetchRows = 8;
constexpr uint32_t kGatherRows = 32;

void prefetch_row(const host::Split& split, uint32_t index) {
  const uint8_t* row = &split.pixels[size_t{index} * host::kImagePixels];
  for (uint32_t offset = 0; offset < host::kImagePixels; offset += 64) {
    __builtin_prefetch(row + offset);
  }
}

void gather_batch(const host::Split& split, const std::vector<uint32_t>& order, size_t first,
                  uint32_t rows, std::vector<uint8_t>& pixels, std::vector<uint8_t>& labels,
                  ThreadPool* team) {
  pixels.resize(size_t{rows} * host::kImagePixels);
  labels.resize(rows);
  parallel_for(team, (rows + kGatherRows - 1) / kGatherRows, [&](uint32_t unit) {
    const uint32_t begin = unit * kGatherRows;
    const uint32_t end = std::min(rows, begin + kGatherRows);
    for (uint32_t r = begin; r < end && r < begin + kPrefetchRows; ++r) {
      prefetch_row(split, order[first + r]);
    }
    for (uint32_t r = begin; r < end; ++r) {
      if (r + kPrefetchRows < end) prefetch_row(split, order[first + r + kPrefetchRows]);
      const uint32_t index = order[first + r];
      std::memcpy(&pixels[size_t{r} * host::kImagePixels],
                  &split.pixels[size_t{index} * host::kImagePixels], host::kImagePixels);
      labels[r] = split.labels[index];
    }
  });
}

}  // namespace

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
  std::vector<uint8_t> pixels;
  std::vector<float> workspace;
  std::vector<uint8_t> labels;
  for (uint32_t epoch = 1; epoch <= config.epochs; ++epoch) {
    rng.shuffle(order);
    double loss_sum = 0.0;
    uint64_t correct = 0;
    for (size_t first = 0; first < train.count; first += config.batch_size) {
      const uint32_t rows =
          static_cast<uint32_t>(std::min<size_t>(config.batch_size, train.count - first));
      gather_batch(train, order, first, rows, pixels, labels, team);
      const BatchResult batch = sgd_step(result.params, pixels.data(), kPixelScale, labels.data(),
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
