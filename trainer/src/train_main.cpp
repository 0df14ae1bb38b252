// softedge-train: train softmax regression on Fashion-MNIST and write a .sedg model file.
#include <getopt.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "dataset.h"
#include "evaluation.h"
#include "kernel_override.h"
#include "model_file.h"
#include "quantize.h"
#include "softedge/kernels.h"
#include "training.h"

namespace {

using namespace softedge::train;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const char kUsage[] =
    "usage: softedge-train [options]\n"
    "\n"
    "Trains softmax regression (784 -> 10) on Fashion-MNIST with minibatch SGD and writes\n"
    "a softedge model file. Test accuracy is measured through the softedge runtime.\n"
    "\n"
    "options:\n"
    "  --preset d2l         the d2l.ai lesson exactly: batch 256, lr 0.1, 10 epochs,\n"
    "                       W ~ N(0, 0.01), b = 0 (also the current defaults)\n"
    "  --epochs N           passes over the training set (default 10)\n"
    "  --batch-size N       minibatch size (default 256)\n"
    "  --lr X               learning rate (default 0.1)\n"
    "  --seed N             random seed for initialization and shuffling (default 0);\n"
    "                       the same seed gives the same model file, byte for byte\n"
    "  --out FILE           model file to write (default model.sedg), written atomically\n"
    "  --int8 FILE          also write an int8 model (as softedge quantize, calibrated on\n"
    "                       the training images) and compare it with the float model\n"
    "  --data DIR           Fashion-MNIST directory (else $SOFTEDGE_DATA, ./data/FashionMNIST/raw,\n"
    "                       ./data, /usr/share/datasets/fashion-mnist)\n"
    "  --json               print a JSON summary on stdout (epoch lines go to stderr)\n"
    "  -h, --help           this help\n"
    "\n"
    "environment: SOFTEDGE_KERNEL=NAME forces a runtime kernel set (e.g. scalar, avx2)\n";

struct Options {
  TrainConfig config;
  std::string out = "model.sedg";
  std::string int8_out;  // empty: no int8 model
  std::string data;
  bool json = false;
};

bool parse_unsigned(const char* text, uint64_t max, uint64_t* value) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || parsed > max) return false;
  *value = parsed;
  return true;
}

// Returns -1 to go on, else the exit code.
int parse_options(int argc, char** argv, Options* options) {
  enum { kPreset = 1000, kEpochs, kBatch, kLr, kSeed, kOut, kInt8, kData, kJson };
  static const option kLong[] = {
      {"preset", required_argument, nullptr, kPreset},
      {"epochs", required_argument, nullptr, kEpochs},
      {"batch-size", required_argument, nullptr, kBatch},
      {"lr", required_argument, nullptr, kLr},
      {"seed", required_argument, nullptr, kSeed},
      {"out", required_argument, nullptr, kOut},
      {"int8", required_argument, nullptr, kInt8},
      {"data", required_argument, nullptr, kData},
      {"json", no_argument, nullptr, kJson},
      {"help", no_argument, nullptr, 'h'},
      {nullptr, 0, nullptr, 0}};
  int opt;
  uint64_t number = 0;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "h", kLong, nullptr)) != -1) {
    const char* bad = nullptr;
    switch (opt) {
      case 'h': std::fputs(kUsage, stdout); return kExitOk;
      case kPreset:
        // The lesson's settings are the defaults today; the preset pins them explicitly.
        if (std::strcmp(optarg, "d2l") != 0) bad = "--preset (known: d2l)";
        else options->config = TrainConfig{};
        break;
      case kEpochs:
        if (!parse_unsigned(optarg, 100000, &number) || number == 0) bad = "--epochs";
        else options->config.epochs = static_cast<uint32_t>(number);
        break;
      case kBatch:
        if (!parse_unsigned(optarg, 60000, &number) || number == 0) bad = "--batch-size";
        else options->config.batch_size = static_cast<uint32_t>(number);
        break;
      case kLr: {
        char* end = nullptr;
        const float lr = std::strtof(optarg, &end);
        if (end == optarg || *end != '\0' || !(lr > 0.0f) || !std::isfinite(lr)) bad = "--lr";
        else options->config.learning_rate = lr;
        break;
      }
      case kSeed:
        if (!parse_unsigned(optarg, UINT64_MAX, &number)) bad = "--seed";
        else options->config.seed = number;
        break;
      case kOut: options->out = optarg; break;
      case kInt8: options->int8_out = optarg; break;
      case kData: options->data = optarg; break;
      case kJson: options->json = true; break;
      default:
        std::fprintf(stderr, "softedge-train: unknown or incomplete option '%s'\n%s",
                     argv[optind - 1], kUsage);
        return kExitUsage;
    }
    if (bad != nullptr) {
      std::fprintf(stderr, "softedge-train: bad value '%s' for %s\n", optarg, bad);
      return kExitUsage;
    }
  }
  if (optind < argc) {
    std::fprintf(stderr, "softedge-train: unexpected argument '%s'\n%s", argv[optind], kUsage);
    return kExitUsage;
  }
  if (options->out.empty()) {
    std::fprintf(stderr, "softedge-train: --out needs a file name\n");
    return kExitUsage;
  }
  return -1;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Int8Result {
  size_t bytes = 0;
  Int8Comparison comparison;
};

// Quantizes the trained model, writes it, and compares it with the float model on the test set.
Int8Result write_int8(const std::string& path, const std::vector<uint8_t>& float_file,
                      const ModelSpec& float_spec, const Dataset& data) {
  const std::vector<uint8_t> int8_file = encode_model(quantize_int8(float_spec, &data.train));
  write_file_atomically(path, int8_file);
  return Int8Result{int8_file.size(), compare_int8(float_file, int8_file, data.test)};
}

void print_json(const Options& options, const TrainResult& result, size_t model_bytes,
                const Int8Result* int8, double load_seconds, double total_seconds) {
  const TrainConfig& c = options.config;
  std::printf("{\"epochs\": %u, \"batch_size\": %u, \"lr\": %g, \"seed\": %llu,\n",
              c.epochs, c.batch_size, static_cast<double>(c.learning_rate),
              static_cast<unsigned long long>(c.seed));
  std::printf(" \"history\": [");
  for (size_t i = 0; i < result.epochs.size(); ++i) {
    const EpochReport& e = result.epochs[i];
    std::printf("%s\n  {\"epoch\": %u, \"train_loss\": %.6f, \"train_accuracy\": %.6f, "
                "\"test_accuracy\": %.4f}", i ? "," : "", e.epoch, e.train_loss,
                e.train_accuracy, e.test_accuracy);
  }
  std::printf("]");
  if (int8 != nullptr) {
    std::printf(",\n \"int8\": {\"model_bytes\": %zu, \"test_accuracy\": %.4f, "
                "\"agreement\": %.4f}", int8->bytes, int8->comparison.int8_accuracy,
                int8->comparison.agreement);
  }
  std::printf(",\n \"test_accuracy\": %.4f, \"model_bytes\": %zu, \"kernel\": \"%s\",\n"
              " \"data_seconds\": %.3f, \"total_seconds\": %.3f}\n",
              result.epochs.back().test_accuracy, model_bytes,
              softedge::active_kernels().name, load_seconds, total_seconds);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  const int parsed = parse_options(argc, argv, &options);
  if (parsed >= 0) return parsed;

  const auto start = std::chrono::steady_clock::now();
  try {
    apply_kernel_override();
    const Dataset data = load_fashion_mnist(options.data);
    const double load_seconds = seconds_since(start);
    std::fprintf(stderr, "softedge-train: Fashion-MNIST from %s (%u train, %u test images)\n",
                 data.directory.c_str(), data.train.count, data.test.count);

    FILE* epoch_stream = options.json ? stderr : stdout;
    const TrainResult result = train_softmax_regression(
        data.train, &data.test, options.config, [epoch_stream](const EpochReport& e) {
          std::fprintf(epoch_stream, "epoch %u, loss %.6f, acc %.6f\n", e.epoch, e.train_loss,
                       e.train_accuracy);
          std::fflush(epoch_stream);
        });
    const ModelSpec spec = make_model_spec(result.params);
    const std::vector<uint8_t> file = encode_model(spec);
    write_file_atomically(options.out, file);
    Int8Result int8;
    if (!options.int8_out.empty()) int8 = write_int8(options.int8_out, file, spec, data);
    const double total_seconds = seconds_since(start);

    if (options.json) {
      print_json(options, result, file.size(), options.int8_out.empty() ? nullptr : &int8,
                 load_seconds, total_seconds);
    } else {
      std::printf("test acc %.4f\n", result.epochs.back().test_accuracy);
      if (!options.int8_out.empty()) {
        std::printf("int8 test acc %.4f, same top class as float on %.2f%% (%s, %zu bytes)\n",
                    int8.comparison.int8_accuracy, 100.0 * int8.comparison.agreement,
                    options.int8_out.c_str(), int8.bytes);
      }
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
