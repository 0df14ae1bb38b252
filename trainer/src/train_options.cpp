// softedge-train's option parser (softedge/train/train_options.h).
#include "softedge/train/train_options.h"

#include <algorithm>
#include <cstdio>

#include "softedge/format.h"
#include "softedge/host/command_line.h"
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
    "By default: a dense network (softmax regression unless --hidden) trained with a\n"
    "one-cycle learning rate (AdamW; SGD with hidden layers) on a square-root pixel curve (a\n"
    "lookup table in the model), keeping the epoch with the best accuracy on a validation\n"
    "split of the training images.\n"
    "\n"
    "options:\n"
    "  --preset d2l         the d2l.ai lesson exactly instead: softmax regression, plain SGD,\n"
    "                       batch 256, lr 0.1, 10 epochs, W ~ N(0, 0.01), b = 0, pixels/255\n"
    "  --preset d2l-lenet   the book's LeNet (d2l.ai, chapter 7.6): conv 6@5x5 pad 2,\n"
    "                       sigmoid, avg pool 2 -> conv 16@5x5, sigmoid, avg pool 2 ->\n"
    "                       dense 120, 84 (sigmoid), 10; Xavier init, plain SGD, batch 256,\n"
    "                       lr 0.9, 10 epochs, pixels/255; prints the test accuracy per epoch\n"
    "  --arch ARCH          dense (default) or cnn: conv 16@3x3 pad 1, ReLU, max pool 2 ->\n"
    "                       conv 32@3x3 pad 1, ReLU, max pool 2 -> dense 128 ReLU -> 10,\n"
    "                       AdamW one-cycle, batch 64, 10 epochs (docs/CNN-TRAINING.md)\n"
    "  --hidden LIST        hidden ReLU layers, e.g. 256 or 256,128 (default: none)\n"
    "  --epochs N           passes over the training set (default: tuned per shape)\n"
    "  --batch-size N       minibatch size\n"
    "  --lr X               learning rate (the one-cycle peak by default)\n"
    "  --optimizer NAME     dense networks: sgd (the default with --hidden): Nesterov momentum\n"
    "                       0.9, L2 weight decay 5e-4, one-cycle peak lr 0.1; or adamw (the\n"
    "                       default for softmax regression)\n"
    "  --threads N          training threads (default 2)\n"
    "  --validation N       training images held out to choose the epoch (default 5000, or\n"
    "                       a tenth of smaller training sets; 0: keep the last epoch)\n"
    "  --seed N             random seed (default 0): the same seed and thread count give the\n"
    "                       same model file, byte for byte\n"
    "  --out FILE           model file to write (default model.sedg), written atomically\n"
    "  --int8 FILE          also write an int8 model (as softedge quantize, calibrated on\n"
    "                       training images) and compare it with the float model\n"
    "  --plot FILE          the training curves (loss and accuracies per epoch) as an SVG\n"
    "  --data DIR           Fashion-MNIST directory (else $SOFTEDGE_DATA, "
    "./data/FashionMNIST/raw,\n"
    "                       ./data, /usr/share/datasets/fashion-mnist)\n"
    "  --json               print a JSON summary on stdout (epoch lines go to stderr)\n"
    "  -h, --help           this help\n"
    "  --version            the version and the model format versions read and written\n"
    "\n"
    "A progress bar is drawn on stderr when it is a terminal. Environment:\n"
    "SOFTEDGE_KERNEL=NAME forces a runtime kernel set (e.g. scalar, avx2).\n";

// "256,128" -> {256, 128}: every width 1..65536, at most kMaxLayers - 1 of them.
std::vector<uint32_t> parse_widths(const std::string& text) {
  std::vector<uint32_t> widths;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find(',', start), text.size());
    try {
      widths.push_back(static_cast<uint32_t>(
          host::parse_whole(text.substr(start, end - start), "--hidden", 1, 65536)));
    } catch (const host::UsageError&) {
      throw host::UsageError("--hidden expects layer widths from 1 to 65536 separated by commas "
                             "(e.g. 256,128), not '" + text + "'");
    }
    start = end + 1;
  }
  if (widths.size() + 1 > softedge::format::kMaxLayers) {
    throw host::UsageError("--hidden expects at most " +
                           std::to_string(softedge::format::kMaxLayers - 1) +
                           " hidden layers, not '" + text + "'");
  }
  return widths;
}

void read_options(const std::vector<std::string>& args, Options* options, bool* version) {
  std::string preset, hidden, arch, optimizer;
  uint32_t validation = 0;
  host::CommandLine line;
  line.text("preset", &preset)
      .text("arch", &arch)
      .text("hidden", &hidden)
      .text("optimizer", &optimizer)
      .whole("epochs", &options->epochs, 1, 100000)
      .whole("batch-size", &options->batch_size, 1, 60000)
      .number("lr", &options->lr, /*positive=*/true)
      .whole("threads", &options->threads, 1, 64)
      .whole("validation", &validation, 0, 50000)
      .whole("seed", &options->seed, 0, UINT64_MAX)
      .text("out", &options->out)
      .text("int8", &options->int8_out)
      .text("plot", &options->plot)
      .text("data", &options->data)
      .flag("json", &options->json)
      .flag("version", version)
      .parse(args);
  if (*version) return;  // the banner, whatever else was given
  if (line.given("preset")) {
    if (preset != "d2l" && preset != "d2l-lenet") {
      throw host::UsageError("--preset expects d2l or d2l-lenet, not '" + preset + "'");
    }
    options->lesson = preset == "d2l";
    options->lenet = preset == "d2l-lenet";
  }
  if (line.given("arch")) {
    if (arch != "dense" && arch != "cnn") {
      throw host::UsageError("--arch expects dense or cnn, not '" + arch + "'");
    }
    options->cnn = arch == "cnn";
  }
  if (line.given("hidden")) options->hidden = parse_widths(hidden);
  if (line.given("validation")) options->validation = validation;
  if (line.given("optimizer")) {
    if (optimizer != "adamw" && optimizer != "sgd") {
      throw host::UsageError("--optimizer expects adamw or sgd, not '" + optimizer + "'");
    }
    options->optimizer =
        optimizer == "sgd" ? NetworkOptimizer::kSgd : NetworkOptimizer::kAdamW;
  }
  if (line.given("optimizer") && (options->lesson || options->lenet || options->cnn)) {
    throw host::UsageError("--optimizer is for dense networks: not with --preset or --arch cnn");
  }
  if (options->lesson && (!options->hidden.empty() || options->validation >= 0)) {
    throw host::UsageError("--preset d2l is the lesson's softmax regression: "
                           "no --hidden or --validation");
  }
  if (options->lenet && (!options->hidden.empty() || options->validation >= 0 ||
                         line.given("arch"))) {
    throw host::UsageError("--preset d2l-lenet is the book's LeNet: "
                           "no --arch, --hidden or --validation");
  }
  if (options->cnn && (options->lesson || !options->hidden.empty())) {
    throw host::UsageError("--arch cnn has its own layers: no --hidden or --preset d2l");
  }
  if (options->out.empty()) throw host::UsageError("--out needs a file name");
}

}  // namespace

int parse_options(int argc, char** argv, Options* options) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (host::asks_for_help(args)) {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  bool version = false;
  try {
    read_options(args, options, &version);
  } catch (const host::UsageError& error) {
    std::fputs(host::usage_error_text("softedge-train", error.what(), "softedge-train [options]")
                   .c_str(),
               stderr);
    return kExitUsage;
  }
  if (version) {
    std::fputs(host::version_banner("softedge-train").c_str(), stdout);
    return kExitOk;
  }
  return -1;
}

}  // namespace train
}  // namespace softedge
