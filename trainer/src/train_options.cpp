// softedge-train's option parser (softedge/train/train_options.h).
#include "softedge/train/train_options.h"

#include <getopt.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "softedge/format.h"
#include "softedge/host/version_banner.h"

namespace softedge {
namespace train {
namespace {

const char kUsage[] =
    "usage: softedge-train [options]\n"
    "\n"
    "Trains a classifier for Fashion-MNIST and writes a softedge model file. The test\n"
    "accuracy it reports is measured through the softedge runtime, on the written file.\n"
    "\n"
    "By default: a dense network (softmax regression unless --hidden) trained with AdamW and\n"
    "a one-cycle learning rate on a square-root pixel curve (a lookup table in the model),\n"
    "keeping the epoch with the best accuracy on a validation split of the training images.\n"
    "\n"
    "options:\n"
    "  --preset d2l         the d2l.ai lesson exactly instead: softmax regression, plain SGD,\n"
    "                       batch 256, lr 0.1, 10 epochs, W ~ N(0, 0.01), b = 0, pixels/255\n"
    "  --hidden LIST        hidden ReLU layers, e.g. 256 or 256,128 (default: none)\n"
    "  --epochs N           passes over the training set (default: tuned per shape)\n"
    "  --batch-size N       minibatch size\n"
    "  --lr X               learning rate (the one-cycle peak by default)\n"
    "  --threads N          training threads (default 2; the lesson preset uses 1)\n"
    "  --validation N       training images held out to choose the epoch (default 5000, or\n"
    "                       a tenth of smaller training sets; 0: keep the last epoch)\n"
    "  --seed N             random seed (default 0): the same seed and thread count give the\n"
    "                       same model file, byte for byte\n"
    "  --out FILE           model file to write (default model.sedg), written atomically\n"
    "  --int8 FILE          also write an int8 model (as softedge quantize, calibrated on\n"
    "                       training images) and compare it with the float model\n"
    "  --plot FILE          the training curves (loss and accuracies per epoch) as an SVG\n"
    "  --data DIR           Fashion-MNIST directory (else $SOFTEDGE_DATA, ./data/FashionMNIST/raw,\n"
    "                       ./data, /usr/share/datasets/fashion-mnist)\n"
    "  --json               print a JSON summary on stdout (epoch lines go to stderr)\n"
    "  -h, --help           this help\n"
    "  --version            the version and the model format versions read and written\n"
    "\n"
    "A progress bar is drawn on stderr when it is a terminal. Environment:\n"
    "SOFTEDGE_KERNEL=NAME forces a runtime kernel set (e.g. scalar, avx2).\n";


bool parse_unsigned(const char* text, uint64_t max, uint64_t* value) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || parsed > max) return false;
  *value = parsed;
  return true;
}

// "256,128" -> {256, 128}; every width 1..65536.
bool parse_widths(const char* text, std::vector<uint32_t>* widths) {
  widths->clear();
  std::string item;
  for (const char* p = text;; ++p) {
    if (*p == ',' || *p == '\0') {
      uint64_t width = 0;
      if (!parse_unsigned(item.c_str(), 65536, &width) || width == 0) return false;
      widths->push_back(static_cast<uint32_t>(width));
      item.clear();
      if (*p == '\0') break;
    } else {
      item += *p;
    }
  }
  return widths->size() + 1 <= softedge::format::kMaxLayers;
}

}  // namespace

int parse_options(int argc, char** argv, Options* options) {
  enum { kPreset = 1000, kHidden, kEpochs, kBatch, kLr, kThreads, kValidation, kSeed, kOut,
         kInt8, kPlot, kData, kJson };
  static const option kLong[] = {
      {"preset", required_argument, nullptr, kPreset},
      {"hidden", required_argument, nullptr, kHidden},
      {"epochs", required_argument, nullptr, kEpochs},
      {"batch-size", required_argument, nullptr, kBatch},
      {"lr", required_argument, nullptr, kLr},
      {"threads", required_argument, nullptr, kThreads},
      {"validation", required_argument, nullptr, kValidation},
      {"seed", required_argument, nullptr, kSeed},
      {"out", required_argument, nullptr, kOut},
      {"int8", required_argument, nullptr, kInt8},
      {"plot", required_argument, nullptr, kPlot},
      {"data", required_argument, nullptr, kData},
      {"json", no_argument, nullptr, kJson},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0}};
  int opt;
  uint64_t number = 0;
  opterr = 0;
  // "+": stop at the first non-option (no reordering), so argv[token] is the option just read.
  int token = optind, index = -1;
  while ((opt = getopt_long(argc, argv, "+h", kLong, &index)) != -1) {
    const char* bad = nullptr;
    // getopt_long takes any unambiguous prefix (--ep for --epochs); the tool's parser does
    // not, and neither does this one: the same rules in both binaries.
    if (index >= 0 && opt != '?') {
      const std::string text = std::string(argv[token]).substr(0, std::string(argv[token]).find('='));
      if (text != std::string("--") + kLong[index].name) {
        std::fprintf(stderr, "softedge-train: unknown option '%s' (did you mean --%s?)\n%s",
                     text.c_str(), kLong[index].name, kUsage);
        return kExitUsage;
      }
    }
    token = optind;
    index = -1;
    switch (opt) {
      case 'h': std::fputs(kUsage, stdout); return kExitOk;
      case 'V': std::fputs(softedge::host::version_banner("softedge-train").c_str(), stdout);
        return kExitOk;
      case kPreset:
        if (std::strcmp(optarg, "d2l") != 0) bad = "--preset (known: d2l)";
        else options->lesson = true;
        break;
      case kHidden:
        if (!parse_widths(optarg, &options->hidden)) bad = "--hidden (e.g. 256,128; at most 7)";
        break;
      case kEpochs:
        if (!parse_unsigned(optarg, 100000, &number) || number == 0) bad = "--epochs";
        else options->epochs = static_cast<uint32_t>(number);
        break;
      case kBatch:
        if (!parse_unsigned(optarg, 60000, &number) || number == 0) bad = "--batch-size";
        else options->batch_size = static_cast<uint32_t>(number);
        break;
      case kLr: {
        char* end = nullptr;
        const float lr = std::strtof(optarg, &end);
        if (end == optarg || *end != '\0' || !(lr > 0.0f) || !std::isfinite(lr)) bad = "--lr";
        else options->lr = lr;
        break;
      }
      case kThreads:
        if (!parse_unsigned(optarg, 64, &number) || number == 0) bad = "--threads";
        else options->threads = static_cast<uint32_t>(number);
        break;
      case kValidation:
        if (!parse_unsigned(optarg, 50000, &number)) bad = "--validation";
        else options->validation = static_cast<int64_t>(number);
        break;
      case kSeed:
        if (!parse_unsigned(optarg, UINT64_MAX, &number)) bad = "--seed";
        else options->seed = number;
        break;
      case kOut: options->out = optarg; break;
      case kInt8: options->int8_out = optarg; break;
      case kPlot: options->plot = optarg; break;
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
  if (options->lesson && (!options->hidden.empty() || options->validation >= 0)) {
    std::fprintf(stderr, "softedge-train: --preset d2l is the lesson's softmax regression: "
                         "no --hidden or --validation\n");
    return kExitUsage;
  }
  if (options->out.empty()) {
    std::fprintf(stderr, "softedge-train: --out needs a file name\n");
    return kExitUsage;
  }
  return -1;
}

}  // namespace train
}  // namespace softedge
