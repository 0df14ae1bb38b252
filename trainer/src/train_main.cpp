// softedge-train: train a classifier on Fashion-MNIST and write a .sedg model file.
//
// Two paths: `--preset d2l` reproduces the lesson exactly (softmax regression, plain SGD);
// the default trains a dense network (no hidden layer unless --hidden) with AdamW (SGD with
// hidden layers) and a one-cycle schedule on a square-root pixel curve, keeping the epoch with
// the best accuracy on a validation split carved from the training images. `--arch cnn` and
// `--preset d2l-lenet` train convolutional networks the same two ways (cnn_trainer.h).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/host/evaluation.h"
#include "softedge/host/file_io.h"
#include "softedge/host/json_text.h"
#include "softedge/host/kernel_override.h"
#include "softedge/host/output_paths.h"
#include "softedge/host/quantize.h"
#include "softedge/host/training_curves.h"
#include "softedge/host/version_banner.h"
#include "softedge/kernels.h"
#include "softedge/train/cnn_trainer.h"
#include "softedge/train/input_transform.h"
#include "softedge/train/model_spec.h"
#include "softedge/train/network_trainer.h"
#include "softedge/train/progress_bar.h"
#include "softedge/train/train_options.h"
#include "softedge/train/training.h"

namespace host = softedge::host;

namespace {

using namespace softedge::train;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What either path hands on: the model, the per-epoch figures, the epoch kept.
struct Trained {
  host::ModelSpec spec;
  std::vector<host::EpochReport> history;
  uint32_t kept_epoch = 0;
  std::string description;  // for the chart's title and the JSON
  host::Json settings;      // every hyperparameter as used, a JSON object
  bool chosen_on_validation = false;  // then the test split must not appear per epoch
  // Convolutional networks: training throughput and the test accuracy of the trainer's own
  // float code path (-1: not measured).
  double images_per_second = -1.0;
  double trainer_test_accuracy = -1.0;
};

// A float setting as a person typed it: 0.003, not 0.0030000000260770321.
double setting(float value) {
  return host::json_float(value);
}

// The settings a run used (defaults included), so a JSON summary can reproduce the run.
host::Json settings_json(const host::Json& preset, uint64_t seed, uint32_t epochs, uint32_t batch,
                         float learning_rate, const std::vector<uint32_t>& hidden, uint32_t threads,
                         const host::Json& extra) {
  host::Json settings = {{"preset", preset},
                         {"seed", seed},
                         {"epochs", epochs},
                         {"batch_size", batch},
                         {"learning_rate", setting(learning_rate)},
                         {"hidden", hidden},
                         {"threads", threads}};
  for (const auto& item : extra.items()) settings[item.key()] = item.value();
  return settings;
}

// Prints each epoch (the lesson's line, with validation and test accuracy when known) and
// keeps the progress bar over the whole run.
class EpochPrinter {
 public:
  // `show_test`: the test accuracy of every epoch too (d2l's LeNet prints it; the epoch is not
  // chosen on it).
  EpochPrinter(FILE* stream, uint32_t epochs, bool show_test = false)
      : stream_(stream), epochs_(epochs), show_test_(show_test), bar_(stderr) {}

  void print(const host::EpochReport& e) {
    bar_.clear();
    std::fprintf(stream_, "epoch %u, loss %.6f, acc %.6f", e.epoch, e.train_loss,
                 e.train_accuracy);
    if (e.validation_accuracy >= 0) std::fprintf(stream_, ", val acc %.4f", e.validation_accuracy);
    if (show_test_ && e.test_accuracy >= 0) {
      std::fprintf(stream_, ", test acc %.4f", e.test_accuracy);
    }
    std::fprintf(stream_, "\n");
    std::fflush(stream_);
    last_loss_ = e.train_loss;
    bar_.update(e.epoch, epochs_, e.epoch, epochs_, e.train_loss);
  }
  // Within an epoch: `done` of `total` optimizer steps of the whole run.
  void step(uint64_t done, uint64_t total) {
    if (total == 0) return;
    const uint64_t epoch = std::min<uint64_t>(epochs_, done * epochs_ / total + 1);
    bar_.update(static_cast<uint32_t>(epoch), epochs_, done, total, last_loss_);
  }
  void done() { bar_.clear(); }

 private:
  FILE* stream_;
  uint32_t epochs_;
  bool show_test_;
  ProgressBar bar_;
  double last_loss_ = -1.0;  // none before the first epoch ends
};

Trained train_lesson(const Options& options, const host::Dataset& data, FILE* epoch_stream) {
  TrainConfig config;  // the lesson's settings
  if (options.epochs) config.epochs = options.epochs;
  if (options.batch_size) config.batch_size = options.batch_size;
  if (options.lr > 0) config.learning_rate = options.lr;
  config.seed = options.seed;
  if (options.threads) config.threads = options.threads;
  // The test accuracy of every epoch is shown only in the JSON and the chart.
  const bool test_per_epoch = options.json || !options.plot.empty();
  EpochPrinter printer(epoch_stream, config.epochs);
  const TrainResult result = train_softmax_regression(
      data.train, test_per_epoch ? &data.test : nullptr, config,
      [&printer](const host::EpochReport& e) { printer.print(e); });
  printer.done();
  const host::Json init = {
      {"init_stddev", setting(config.init_stddev)}, {"validation_size", 0}, {"optimizer", "sgd"}};
  return Trained{make_model_spec({result.params}),
                 result.epochs,
                 config.epochs,
                 "softedge-train --preset d2l",
                 settings_json("d2l", config.seed, config.epochs, config.batch_size,
                               config.learning_rate, {}, config.threads, init),
                 false};
}

// The square-root curve as the runtime applies it: an 8-bit lookup table, then * 1/255. The
// network trains on exactly these values, so the device computes what was trained.
std::array<float, 256> lookup_table_curve(std::vector<uint8_t>* table) {
  const std::array<float, 256> exact = pixel_curve(Curve::kSqrt);
  std::array<float, 256> quantized{};
  table->resize(256);
  for (int p = 0; p < 256; ++p) {
    (*table)[p] = static_cast<uint8_t>(std::lround(exact[p] * 255.0f));
    quantized[p] = (*table)[p] * kPixelScale;
  }
  return quantized;
}

Trained train_default(const Options& options, const host::Dataset& data, FILE* epoch_stream) {
  const NetworkOptimizer optimizer = options.optimizer.value_or(default_optimizer(options.hidden));
  const bool sgd = optimizer == NetworkOptimizer::kSgd;
  NetworkConfig config = default_network_config(options.hidden, optimizer);
  if (options.epochs) config.epochs = options.epochs;
  if (options.batch_size) config.batch_size = options.batch_size;
  if (options.lr > 0) config.max_lr = options.lr;
  if (options.validation >= 0) {
    config.validation_size = static_cast<uint32_t>(options.validation);
  } else {
    // Small training sets (a test fixture, a subset) hold out a tenth instead of 5,000.
    config.validation_size = std::min(config.validation_size, data.train.count / 10);
  }
  if (options.threads) config.threads = options.threads;
  config.seed = options.seed;

  std::vector<uint8_t> lookup_table;
  const std::array<float, 256> curve = lookup_table_curve(&lookup_table);
  const InputTransform transform = make_input_transform(data.train, curve);
  // The test accuracy of every epoch is shown only by the chart, or in the JSON when no
  // validation split chooses the epoch: otherwise it is not computed (a tenth of the work).
  const bool test_per_epoch =
      !options.plot.empty() || (options.json && config.validation_size == 0);
  EpochPrinter printer(epoch_stream, config.epochs);
  const NetworkResult result = train_network(
      data.train, test_per_epoch ? &data.test : nullptr, transform, config,
      [&printer](const host::EpochReport& e) { printer.print(e); },
      [&printer](uint64_t done, uint64_t total) { printer.step(done, total); });
  printer.done();

  // The standardization folded into layer 0; the curve stays in front as the lookup table.
  host::ModelSpec spec = make_model_spec(fold_input_transform(result.layers, transform));
  spec.input_lut = std::move(lookup_table);
  std::string shape = "784";
  for (uint32_t width : options.hidden) shape += "-" + std::to_string(width);
  const host::Json method = {{"validation_size", config.validation_size},
                             {"optimizer", sgd ? "sgd" : "adamw"},
                             {"weight_decay", setting(config.weight_decay)},
                             {"momentum",
                              sgd ? host::Json(setting(config.momentum)) : host::Json(nullptr)},
                             {"warmup_fraction", setting(config.warmup_fraction)},
                             {"label_smoothing", setting(config.label_smoothing)}};
  const std::string method_name = sgd ? "SGD (Nesterov) one-cycle" : "AdamW one-cycle";
  return Trained{std::move(spec),
                 result.history,
                 result.best_epoch,
                 "softedge-train, " + shape + "-10, " + method_name + ", sqrt curve",
                 settings_json(nullptr, config.seed, config.epochs, config.batch_size,
                               config.max_lr, config.hidden, config.threads, method),
                 config.validation_size > 0};
}

// "conv 16@3x3 pad 1 relu, max pool 2, ..., dense 10": the layers for the chart and the JSON.
std::string describe_layers(const std::vector<CnnLayerSpec>& layers) {
  std::string text;
  for (const CnnLayerSpec& l : layers) {
    if (!text.empty()) text += ", ";
    const std::string window = std::to_string(l.kernel_size) + "x" +
                               std::to_string(l.kernel_size);
    switch (l.kind) {
      case softedge::format::LayerKind::kConv2d:
        text += "conv " + std::to_string(l.outputs) + "@" + window;
        if (l.padding) text += " pad " + std::to_string(l.padding);
        break;
      case softedge::format::LayerKind::kMaxPool: text += "max pool " + window; break;
      case softedge::format::LayerKind::kAvgPool: text += "avg pool " + window; break;
      default: text += "dense " + std::to_string(l.outputs); break;
    }
    if (l.kind != softedge::format::LayerKind::kDense && l.stride != 1) {
      text += " stride " + std::to_string(l.stride);
    }
    if (l.activation == softedge::format::Activation::kRelu) text += " relu";
    if (l.activation == softedge::format::Activation::kSigmoid) text += " sigmoid";
  }
  return text;
}

// --arch cnn (AdamW, one-cycle, validation split, square-root lookup table) or
// --preset d2l-lenet (the book's LeNet: SGD, pixels/255, test accuracy every epoch).
Trained train_convolutional(const Options& options, const host::Dataset& data,
                            FILE* epoch_stream) {
  CnnConfig config = options.lenet ? lenet_config() : default_cnn_config();
  if (options.epochs) config.epochs = options.epochs;
  if (options.batch_size) config.batch_size = options.batch_size;
  if (options.lr > 0) config.lr = options.lr;
  if (options.validation >= 0) {
    config.validation_size = static_cast<uint32_t>(options.validation);
  } else if (!options.lenet) {
    config.validation_size = std::min(config.validation_size, data.train.count / 10);
  }
  if (options.threads) config.threads = options.threads;
  config.seed = options.seed;

  std::vector<uint8_t> lookup_table;
  const std::array<float, 256> curve =
      options.lenet ? pixel_curve(Curve::kLinear) : lookup_table_curve(&lookup_table);
  // LeNet prints the test accuracy of every epoch, as the book does; the CNN only for the chart
  // or when no validation split chooses the epoch.
  const bool test_per_epoch = options.lenet || !options.plot.empty() ||
                              (options.json && config.validation_size == 0);
  EpochPrinter printer(epoch_stream, config.epochs, options.lenet);
  const CnnResult result = train_cnn(
      data.train, test_per_epoch ? &data.test : nullptr, curve, config,
      [&printer](const host::EpochReport& e) { printer.print(e); },
      [&printer](uint64_t done, uint64_t total) { printer.step(done, total); });
  printer.done();

  host::ModelSpec spec = make_cnn_model_spec(result);
  spec.input_lut = std::move(lookup_table);
  double train_seconds = 0.0;
  for (double s : result.epoch_seconds) train_seconds += s;
  const uint32_t train_rows = data.train.count - config.validation_size;
  const std::string layers = describe_layers(config.layers);
  const host::Json extra = {
      {"arch", "cnn"},
      {"layers", layers},
      {"validation_size", config.validation_size},
      {"optimizer", config.optimizer == CnnOptimizer::kSgd ? "sgd" : "adamw"},
      {"init", config.init == CnnInit::kXavier ? "xavier_uniform" : "he_normal"},
      {"weight_decay", setting(config.weight_decay)},
      {"warmup_fraction", setting(config.warmup_fraction)},
      {"label_smoothing", setting(config.label_smoothing)},
      {"random_flips", config.flip},
      {"random_shift", config.shift},
      {"pixels", options.lenet ? "/255" : "sqrt lookup table /255"}};
  Trained trained{std::move(spec),
                  result.history,
                  result.best_epoch,
                  options.lenet ? "softedge-train --preset d2l-lenet (LeNet, SGD)"
                                : "softedge-train --arch cnn: " + layers + ", AdamW one-cycle",
                  settings_json(options.lenet ? host::Json("d2l-lenet") : host::Json(nullptr),
                                config.seed, config.epochs, config.batch_size, config.lr, {},
                                result.threads, extra),
                  config.validation_size > 0};
  trained.images_per_second = train_seconds > 0 ? train_rows * config.epochs / train_seconds : 0;
  trained.trainer_test_accuracy =
      cnn_accuracy(config.layers, result.params, curve, data.test, result.threads);
  return trained;
}

struct Int8Result {
  std::vector<uint8_t> file;
  host::Int8Comparison comparison;
};

// Quantizes the trained model and compares it with the float model on the test set.
Int8Result make_int8(const std::vector<uint8_t>& float_file, const host::ModelSpec& float_spec,
                     const host::Dataset& data) {
  std::vector<uint8_t> int8_file = host::encode_model(host::quantize_int8(float_spec, &data.train));
  const host::Int8Comparison comparison = host::compare_int8(float_file, int8_file, data.test);
  return Int8Result{std::move(int8_file), comparison};
}

// A figure that may be unknown (the reports use -1 for that): null in JSON, not -1.
host::Json json_figure(double value) {
  return value < 0 ? host::Json() : host::Json(value);
}

// Seconds to the millisecond: more digits would be noise.
double milliseconds(double seconds) {
  return std::round(seconds * 1000.0) / 1000.0;
}

void print_json(const Trained& trained, double test_accuracy, size_t model_bytes,
                const Int8Result* int8, double load_seconds, double total_seconds,
                const std::vector<std::string>& command_line) {
  host::Json history = host::Json::array();
  for (const host::EpochReport& e : trained.history) {
    host::Json epoch = {{"epoch", e.epoch},
                        {"train_loss", e.train_loss},
                        {"train_accuracy", e.train_accuracy},
                        {"validation_accuracy", json_figure(e.validation_accuracy)}};
    // With the epoch chosen on validation, test figures per epoch would invite choosing on
    // the test set: they are left out.
    if (!trained.chosen_on_validation) epoch["test_accuracy"] = json_figure(e.test_accuracy);
    history.push_back(std::move(epoch));
  }
  host::Json summary = {{"training", trained.description},
                        {"command_line", command_line},
                        {"settings", trained.settings},
                        {"kept_epoch", trained.kept_epoch},
                        {"history", std::move(history)}};
  if (int8 != nullptr) {
    summary["int8"] = {{"model_bytes", int8->file.size()},
                       {"test_accuracy", int8->comparison.int8_accuracy},
                       {"agreement", int8->comparison.agreement}};
  }
  summary["test_accuracy"] = test_accuracy;
  summary["model_bytes"] = model_bytes;
  summary["kernel"] = softedge::active_kernels().name;
  if (trained.images_per_second >= 0) {
    summary["trainer_test_accuracy"] = trained.trainer_test_accuracy;
    summary["images_per_second"] = std::round(trained.images_per_second);
  }
  summary["data_seconds"] = milliseconds(load_seconds);
  summary["total_seconds"] = milliseconds(total_seconds);
  std::fputs(host::json_line(summary).c_str(), stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  const int parsed = parse_options(argc, argv, &options);
  if (parsed >= 0) return parsed;

  const auto start = std::chrono::steady_clock::now();
  try {
    host::apply_kernel_override();
    // A wrong output path is reported now, not after minutes of training.
    host::check_output_paths({}, {options.out, options.int8_out, options.plot});
    const host::Dataset data = host::load_fashion_mnist(options.data);
    const double load_seconds = seconds_since(start);
    std::fprintf(stderr, "softedge-train: Fashion-MNIST from %s (%u train, %u test images)\n",
                 data.directory.c_str(), data.train.count, data.test.count);
    // The test accuracy is part of every run's report: no test images, no training.
    if (data.test.count == 0) {
      throw host::FileError(data.directory + ": the test split (t10k) has no images");
    }

    FILE* epoch_stream = options.json ? stderr : stdout;
    const Trained trained =
        options.lesson                 ? train_lesson(options, data, epoch_stream)
        : options.cnn || options.lenet ? train_convolutional(options, data, epoch_stream)
                                       : train_default(options, data, epoch_stream);
    // Validate everything, then write, then report: a failure below leaves every output as
    // it was. The device's accuracy: the file's bytes through the runtime.
    const std::vector<uint8_t> file = host::encode_model(trained.spec);
    const double test_accuracy = runtime_accuracy(file, data.test);
    Int8Result int8;
    if (!options.int8_out.empty()) int8 = make_int8(file, trained.spec, data);
    host::write_file_atomically(options.out, file);
    if (!options.int8_out.empty()) host::write_file_atomically(options.int8_out, int8.file);
    if (!options.plot.empty()) {
      host::write_training_curves_svg(options.plot, trained.history, trained.description);
    }
    const double total_seconds = seconds_since(start);

    if (options.json) {
      print_json(trained, test_accuracy, file.size(), options.int8_out.empty() ? nullptr : &int8,
                 load_seconds, total_seconds, std::vector<std::string>(argv, argv + argc));
    } else {
      if (!options.lesson && !options.lenet) {
        std::printf("kept epoch %u (best validation accuracy)\n", trained.kept_epoch);
      }
      std::printf("test acc %.4f\n", test_accuracy);
      if (!options.int8_out.empty()) {
        std::printf("int8 test acc %.4f, same top class as float on %.2f%% (%s, %zu bytes)\n",
                    int8.comparison.int8_accuracy, 100.0 * int8.comparison.agreement,
                    options.int8_out.c_str(), int8.file.size());
      }
    }
    if (trained.images_per_second >= 0) {
      std::fprintf(stderr,
                   "softedge-train: %.0f training images/s on %u threads; test acc %.4f by the "
                   "trainer's own float code\n",
                   trained.images_per_second, trained.settings["threads"].get<uint32_t>(),
                   trained.trainer_test_accuracy);
    }
    std::fprintf(stderr,
                 "softedge-train: wrote %s (%zu bytes) in %.2f s (data %.2f s, kernel %s)\n",
                 options.out.c_str(), file.size(), total_seconds, load_seconds,
                 softedge::active_kernels().name);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "softedge-train: %s\n", error.what());
    return kExitFailure;
  }
  return kExitOk;
}
