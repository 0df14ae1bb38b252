// The network trainer's loop (see network_trainer.h): checks, initialization, epochs of
// minibatch steps, evaluation and the choice of the epoch kept.
#include "softedge/train/network_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#ifdef SOFTEDGE_NETWORK_PROFILE
#include <cstdio>
#endif

#include "softedge/train/adamw.h"
#include "softedge/train/feature_map.h"
#include "softedge/train/flush_denormals.h"
#include "softedge/train/network.h"
#include "softedge/train/network_evaluation.h"
#include "softedge/train/one_cycle.h"
#include "softedge/train/rng.h"
#include "softedge/train/sgd_momentum.h"
#include "softedge/train/split_check.h"
#include "softedge/train/thread_pool.h"
#include "softedge/train/validation_split.h"

namespace softedge {
namespace train {
namespace {

// Multiply-adds per training step below which train_network() uses one thread.
constexpr uint64_t kMinTeamStepWork = uint64_t{1} << 21;

// Built with -DSOFTEDGE_NETWORK_PROFILE, train_network() prints the wall time of each phase of
// its steps (gather, forward, loss, backward, AdamW) and of the evaluations on stderr.
#ifdef SOFTEDGE_NETWORK_PROFILE
double g_phase_seconds[6];
struct PhaseTimer {
  int phase;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  explicit PhaseTimer(int p) : phase(p) {}
  ~PhaseTimer() {
    g_phase_seconds[phase] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};
#define PHASE(n) const PhaseTimer phase_timer_##n(n)
void print_profile() {
  std::fprintf(stderr, "gather %.3f forward %.3f loss %.3f backward %.3f adam %.3f eval %.3f s\n",
               g_phase_seconds[0], g_phase_seconds[1], g_phase_seconds[2], g_phase_seconds[3],
               g_phase_seconds[4], g_phase_seconds[5]);
}
#else
#define PHASE(n)
void print_profile() {}
#endif

void check_config(const host::Split& train, const host::Split* test,
                  const NetworkConfig& config) {
  check_training_splits(train, test, config.epochs, config.batch_size, config.validation_size);
  if (!(config.max_lr > 0.0f) || !(config.weight_decay >= 0.0f) ||
      !(config.label_smoothing >= 0.0f && config.label_smoothing < 1.0f) ||
      !(config.warmup_fraction > 0.0f && config.warmup_fraction < 1.0f) ||
      !(config.momentum >= 0.0f && config.momentum < 1.0f)) {
    throw std::invalid_argument("network config: learning rate, weight decay, label smoothing, "
                                "warm-up fraction or momentum out of range");
  }
  for (uint32_t width : config.hidden) {
    if (width == 0) throw std::invalid_argument("network config: a hidden layer has width 0");
  }
}

// A second thread pays from about 2^21 multiply-adds per step (784-32-10 and up), and for
// softmax regression (10^6), which trains in parts (Network::step_in_parts()). The results
// are the same either way.
uint32_t team_size(const NetworkConfig& config) {
  if (config.hidden.empty()) return std::max(1u, config.threads);
  uint64_t step_work = 0;
  for (size_t l = 0, in = host::kImagePixels; l <= config.hidden.size(); ++l) {
    const uint64_t out = l < config.hidden.size() ? config.hidden[l] : host::kNumClasses;
    step_work += uint64_t{config.batch_size} * in * out;
    in = out;
  }
  return step_work >= kMinTeamStepWork ? std::max(1u, config.threads) : 1;
}

// He initialization (N(0, 2/in)) for ReLU layers; N(0, 1/in) for the output layer; b = 0. The
// weights are drawn in the layout the network trains in (network.h).
std::vector<NetworkLayer> initial_layers(const NetworkConfig& config, Rng& rng) {
  std::vector<uint32_t> widths = {host::kImagePixels};
  widths.insert(widths.end(), config.hidden.begin(), config.hidden.end());
  widths.push_back(host::kNumClasses);
  std::vector<NetworkLayer> layers;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    NetworkLayer layer;
    layer.in = widths[l];
    layer.out = widths[l + 1];
    const bool relu = l + 2 < widths.size();
    const double stddev = std::sqrt((relu ? 2.0 : 1.0) / layer.in);
    layer.wt.resize(size_t{layer.in} * layer.out);
    for (float& w : layer.wt) w = static_cast<float>(rng.next_normal() * stddev);
    layer.bias.assign(layer.out, 0.0f);
    layer.grad_wt.resize(layer.wt.size());
    layer.grad_bias.resize(layer.out);
    layers.push_back(std::move(layer));
  }
  return layers;
}

// What every step of every epoch uses besides the network and the optimizer.
struct StepContext {
  const host::Split& train;
  const std::vector<uint32_t>& order;  // the training rows, in this epoch's order
  const FeatureMap& features;
  const NetworkConfig& config;
  uint64_t total_steps;
  ThreadPool* team;
  const std::function<void(uint64_t, uint64_t)>& on_step;
};

// The optimizer the config names: AdamW with the schedule's learning rate and beta1, or SGD with
// its learning rate.
class Optimizer {
 public:
  Optimizer(const NetworkConfig& config, const std::vector<NetworkLayer>& layers) {
    if (config.optimizer == NetworkOptimizer::kSgd) {
      sgd_.emplace(layers, config.momentum, config.weight_decay);
    } else {
      adamw_.emplace(layers, config.weight_decay);
    }
  }
  void step(std::vector<NetworkLayer>& layers, const OneCyclePoint& point, ThreadPool* team) {
    if (sgd_) {
      sgd_->step(layers, point.learning_rate, team);
    } else {
      adamw_->step(layers, point.learning_rate, point.beta1, team);
    }
  }
  uint64_t steps() const { return sgd_ ? sgd_->steps() : adamw_->steps(); }

 private:
  std::optional<AdamW> adamw_;
  std::optional<SgdMomentum> sgd_;
};

// The optimizer's step on the gradients of the last batch, at the schedule's point.
void take_step(const StepContext& run, Optimizer& optimizer, Network& net) {
  const OneCyclePoint schedule = one_cycle(optimizer.steps(), run.total_steps,
                                           run.config.max_lr, run.config.warmup_fraction);
  optimizer.step(net.layers(), schedule, run.team);
  if (run.on_step) run.on_step(optimizer.steps(), run.total_steps);
}

// One pass over the training rows in minibatches; the loss and accuracy of the batches as
// they were before their steps.
BatchResult train_epoch(const StepContext& run, Network& net, Optimizer& optimizer,
                        std::vector<uint8_t>& labels) {
  const uint32_t train_rows = static_cast<uint32_t>(run.order.size());
  const uint32_t batch_size = run.config.batch_size;
  BatchResult epoch;
  for (uint32_t first = 0; first < train_rows; first += batch_size) {
    const uint32_t rows = std::min(batch_size, train_rows - first);
    if (net.steps_in_parts()) {
      for (uint32_t r = 0; r < rows; ++r) labels[r] = run.train.labels[run.order[first + r]];
      const BatchResult batch = net.step_in_parts(
          [&](uint32_t part_first, uint32_t count, float* x) {
            run.features.gather(run.train, run.order.data() + first + part_first, 0, count, x,
                                nullptr);
          },
          labels.data(), rows, run.config.label_smoothing, run.team);
      epoch.loss_sum += batch.loss_sum;
      epoch.correct += batch.correct;
      take_step(run, optimizer, net);
      continue;
    }
    {
      PHASE(0);
      run.features.gather(run.train, run.order.data() + first, 0, rows, net.input(), run.team);
      for (uint32_t r = 0; r < rows; ++r) labels[r] = run.train.labels[run.order[first + r]];
    }
    {
      PHASE(1);
      net.forward(rows, run.team);
    }
    BatchResult batch;
    {
      PHASE(2);
      batch = net.loss(labels.data(), rows, run.config.label_smoothing, true);
    }
    epoch.loss_sum += batch.loss_sum;
    epoch.correct += batch.correct;
    {
      PHASE(3);
      net.backward(rows, run.team);
    }
    PHASE(4);
    take_step(run, optimizer, net);
  }
  return epoch;
}

// The parameters of the best epoch so far (a copy, in the training layout).
class KeptEpoch {
 public:
  // Keeps the network's parameters when `score` beats the kept epoch's (ties keep the earlier).
  void offer(uint32_t epoch, double score, const Network& net) {
    if (score <= score_) return;
    score_ = score;
    epoch_ = epoch;
    wt_.resize(net.layers().size());
    bias_.resize(net.layers().size());
    for (size_t l = 0; l < net.layers().size(); ++l) {
      wt_[l] = net.layers()[l].wt;
      bias_[l] = net.layers()[l].bias;
    }
  }
  uint32_t epoch() const { return epoch_; }
  // In the runtime's layout; `net` gives the shapes.
  std::vector<DenseParams> params(const Network& net) const {
    std::vector<DenseParams> params;
    for (size_t l = 0; l < net.layers().size(); ++l) {
      const NetworkLayer& layer = net.layers()[l];
      params.push_back(
          network_dense_params(layer.in, layer.out, wt_[l].data(), bias_[l].data()));
    }
    return params;
  }

 private:
  double score_ = -1.0;
  uint32_t epoch_ = 0;
  std::vector<AlignedVector<float>> wt_, bias_;
};

}  // namespace

NetworkOptimizer default_optimizer(const std::vector<uint32_t>& hidden) {
  return hidden.empty() ? NetworkOptimizer::kAdamW : NetworkOptimizer::kSgd;
}

NetworkConfig default_network_config(const std::vector<uint32_t>& hidden) {
  return default_network_config(hidden, default_optimizer(hidden));
}

NetworkConfig default_network_config(const std::vector<uint32_t>& hidden,
                                     NetworkOptimizer optimizer) {
  NetworkConfig config;
  config.hidden = hidden;
  config.optimizer = optimizer;
  if (optimizer == NetworkOptimizer::kSgd) {
    // On 784-256-10 (seed 1, validation split): max_lr 0.05 0.9112, 0.1 0.9122, 0.2 diverged;
    // weight decay 1e-3 0.9104, 2e-4 (max_lr 0.07) 0.9106.
    config.max_lr = 0.1f;
    config.weight_decay = 5e-4f;
  }
  if (hidden.empty()) {
    config.epochs = 10;
    if (optimizer == NetworkOptimizer::kAdamW) config.max_lr = 3e-3f;
    config.label_smoothing = 0.0f;
  }
  return config;
}

NetworkResult train_network(
    const host::Split& train, const host::Split* test, const InputTransform& transform,
    const NetworkConfig& config, const std::function<void(const host::EpochReport&)>& on_epoch,
    const std::function<void(uint64_t steps_done, uint64_t total_steps)>& on_step) {
  check_config(train, test, config);
  const FeatureMap features(transform);
  const ScopedFlushDenormals flush;  // before the pool: its workers inherit the setting
  ThreadPool pool(team_size(config));
  ThreadPool* team = team_of(pool);

  const std::vector<uint32_t> validation =
      validation_rows(train.count, config.validation_size, config.seed);
  std::vector<uint32_t> order = rows_except(train.count, validation);
  const uint32_t train_rows = static_cast<uint32_t>(order.size());
  Rng rng(config.seed);
  Network net(initial_layers(config, rng));
  net.reserve(std::max(config.batch_size, std::min(kEvalRows, std::max<uint32_t>(train.count, 1))));
  Optimizer optimizer(config, net.layers());
  const uint64_t steps_per_epoch = (train_rows + config.batch_size - 1) / config.batch_size;
  const StepContext run{train, order, features, config, steps_per_epoch * config.epochs,
                        team,  on_step};
  std::vector<uint8_t> labels(config.batch_size);

  NetworkResult result;
  KeptEpoch kept;
  for (uint32_t epoch = 1; epoch <= config.epochs; ++epoch) {
    rng.shuffle(order);
    const BatchResult stats = train_epoch(run, net, optimizer, labels);
    PHASE(5);
    host::EpochReport report;
    report.epoch = epoch;
    report.train_loss = stats.loss_sum / train_rows;
    report.train_accuracy = static_cast<double>(stats.correct) / train_rows;
    if (!validation.empty()) {
      report.validation_accuracy = network_accuracy(net, features, train, validation, team);
    }
    if (test != nullptr && test->count > 0) {
      report.test_accuracy = network_accuracy(net, features, *test, {}, team);
    }
    // The best validation epoch (the last epoch without a validation split).
    kept.offer(epoch, validation.empty() ? epoch : report.validation_accuracy, net);
    result.history.push_back(report);
    if (on_epoch) on_epoch(report);
  }
  print_profile();
  result.best_epoch = kept.epoch();
  result.layers = kept.params(net);
  return result;
}

}  // namespace train
}  // namespace softedge
