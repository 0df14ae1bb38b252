// cmd_eval.cpp — `softedge eval`: accuracy of a model on the Fashion-MNIST test split,
// computed by the runtime (the code path a device runs), per class and as a confusion matrix.
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/host/command_line.h"
#include "softedge/host/confusion_chart.h"
#include "softedge/host/dataset.h"
#include "softedge/host/evaluation.h"
#include "softedge/host/file_io.h"
#include "softedge/host/json_text.h"
#include "softedge/host/output_paths.h"
#include "softedge/tools/commands.h"
#include "softedge/tools/file_named_errors.h"
#include "softedge/tools/loaded_model.h"

namespace softedge {
namespace tools {

namespace {

struct Evaluation {
  uint32_t classes = 0;
  uint32_t correct = 0;
  uint32_t total = 0;
  std::vector<uint32_t> confusion;  // classes x classes: [true label][predicted class]
  std::vector<uint32_t> predicted;  // per test image, in file order

  uint32_t count(uint32_t truth, uint32_t predicted) const {
    return confusion[truth * classes + predicted];
  }
  uint32_t class_total(uint32_t truth) const {
    uint32_t sum = 0;
    for (uint32_t p = 0; p < classes; ++p) sum += count(truth, p);
    return sum;
  }
};

Evaluation evaluate(const LoadedModel& loaded, const host::Split& split) {
  const Model& model = loaded.model();
  const std::vector<uint32_t> predicted =
      naming_file(loaded.path(), [&] { return host::predict_classes(model, split); });

  Evaluation e;
  e.classes = model.num_classes;
  e.total = split.count;
  e.confusion.assign(static_cast<size_t>(e.classes) * e.classes, 0);
  e.predicted = predicted;
  for (uint32_t i = 0; i < split.count; ++i) {
    uint32_t truth = split.labels[i];
    ++e.confusion[truth * e.classes + predicted[i]];
    if (predicted[i] == truth) ++e.correct;
  }
  return e;
}

void print_text(const LoadedModel& loaded, const std::string& data_dir, const Evaluation& e) {
  std::printf("test accuracy: %.4f (%u/%u)\n", static_cast<double>(e.correct) / e.total,
              e.correct, e.total);
  std::printf("model: %s\ndata: %s\nkernel: %s\n", loaded.path().c_str(), data_dir.c_str(),
              active_kernels().name);

  int name_width = 0;
  for (uint32_t c = 0; c < e.classes; ++c) {
    name_width = std::max(name_width, static_cast<int>(loaded.class_label(c).size()));
  }

  std::printf("\nper-class accuracy:\n");
  for (uint32_t c = 0; c < e.classes; ++c) {
    uint32_t total = e.class_total(c);
    std::string label = loaded.class_label(c);
    if (total == 0) {
      std::printf("  %2u %-*s       -  (no test images)\n", c, name_width, label.c_str());
    } else {
      std::printf("  %2u %-*s  %.4f  (%u/%u)\n", c, name_width, label.c_str(),
                  static_cast<double>(e.count(c, c)) / total, e.count(c, c), total);
    }
  }

  // Columns are numbered like the rows, so the names only need to appear once.
  int cell = static_cast<int>(std::to_string(e.total).size()) + 1;
  cell = std::max(cell, 4);
  std::printf("\nconfusion matrix (rows: true class, columns: predicted class):\n");
  std::printf("  %*s", name_width + 3, "");
  for (uint32_t p = 0; p < e.classes; ++p) std::printf("%*u", cell, p);
  std::printf("\n");
  for (uint32_t t = 0; t < e.classes; ++t) {
    std::printf("  %2u %-*s", t, name_width, loaded.class_label(t).c_str());
    for (uint32_t p = 0; p < e.classes; ++p) std::printf("%*u", cell, e.count(t, p));
    std::printf("\n");
  }
}

void print_json(const LoadedModel& loaded, const std::string& data_dir, const Evaluation& e) {
  host::Json per_class = host::Json::array(), confusion = host::Json::array();
  for (uint32_t c = 0; c < e.classes; ++c) {
    const uint32_t total = e.class_total(c);
    per_class.push_back(
        {{"class", c},
         {"name", class_name(loaded.model(), c)},
         {"accuracy", total == 0 ? host::Json() : host::Json(double(e.count(c, c)) / total)},
         {"correct", e.count(c, c)},
         {"total", total}});
    confusion.push_back(std::vector<uint32_t>(e.confusion.begin() + size_t{c} * e.classes,
                                              e.confusion.begin() + size_t{c + 1} * e.classes));
  }
  const host::Json document = {{"model", loaded.path()},
                               {"data", data_dir},
                               {"accuracy", static_cast<double>(e.correct) / e.total},
                               {"correct", e.correct},
                               {"total", e.total},
                               {"per_class", per_class},
                               {"confusion", confusion},
                               {"kernel", active_kernels().name}};
  std::fputs(host::json_line(document).c_str(), stdout);
}

void write_confusion_picture(const std::string& path, const LoadedModel& loaded,
                             const Evaluation& e) {
  std::vector<std::string> names;
  for (uint32_t c = 0; c < e.classes; ++c) names.push_back(loaded.class_label(c));
  const std::string& model = loaded.path();
  std::string images = std::to_string(e.total);  // with thousands separators: 10,000
  for (size_t at = images.size(); at > 3; at -= 3) images.insert(at - 3, ",");
  char accuracy[64];
  std::snprintf(accuracy, sizeof accuracy, "test accuracy %.2f%% on ", 100.0 * e.correct / e.total);
  host::write_confusion_matrix_svg(path, names, e.confusion,
                             model.substr(model.find_last_of('/') + 1) + ": " + accuracy +
                                 images + " images");
}

int run_eval(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string data, confusion, predictions;
  bool json = false;
  host::CommandLine line;
  line.text("data", &data)
      .flag("json", &json)
      .text("confusion", &confusion)
      .text("predictions", &predictions)
      .positional(&files)
      .parse(args);
  if (files.size() != 1) throw UsageError("expected one MODEL file");
  if (line.given("predictions") && predictions.empty()) {
    throw UsageError("--predictions needs a file name");
  }
  if (line.given("confusion") && confusion.empty()) {
    throw UsageError("--confusion needs a file name");
  }

  // Outputs checked before any work: not the model, not each other, in a writable place.
  host::check_output_paths({files[0]}, {confusion, predictions});
  LoadedModel loaded(files[0]);
  require_fashion_mnist_model(loaded);
  std::string data_dir = host::find_test_data_dir(data);
  host::Split split = host::load_split(data_dir, "t10k");
  if (split.count == 0) throw std::runtime_error(data_dir + ": the test split has no images");

  Evaluation e = evaluate(loaded, split);
  // The picture first: if it cannot be written, nothing was printed.
  if (!confusion.empty()) write_confusion_picture(confusion, loaded, e);
  if (!predictions.empty()) {
    // One class index per line, test image order: for comparing with another framework.
    std::string lines;
    for (uint32_t c : e.predicted) lines += std::to_string(c) + "\n";
    host::write_file_atomically(predictions, std::vector<uint8_t>(lines.begin(), lines.end()));
  }
  if (json) {
    print_json(loaded, data_dir, e);
  } else {
    print_text(loaded, data_dir, e);
    if (!confusion.empty()) std::printf("\nconfusion matrix picture: %s\n", confusion.c_str());
  }
  return 0;
}

}  // namespace

const Command kEvalCommand = {
    "eval", "accuracy on the Fashion-MNIST test split, per class, confusion matrix",
    "softedge eval MODEL [--data DIR] [--json] [--confusion FILE.svg] [--predictions FILE]",
    "Runs every image of the Fashion-MNIST test split (t10k) through the runtime and\n"
    "reports the accuracy, the accuracy per class and the confusion matrix.\n"
    "\n"
    "options:\n"
    "  --data DIR   directory with the Fashion-MNIST IDX files (raw or .gz); default:\n"
    "               $SOFTEDGE_DATA, ./data/FashionMNIST/raw, ./data,\n"
    "               /usr/share/datasets/fashion-mnist\n"
    "  --json       print one JSON object (accuracy, correct, total, per_class,\n"
    "               confusion, kernel) instead of text\n"
    "  --confusion FILE.svg\n"
    "               also draw the confusion matrix as a heat map (SVG: class names,\n"
    "               counts, each class's accuracy, colour = share of the true class)\n"
    "  --predictions FILE\n"
    "               also write the predicted class of every test image, one per line\n"
    "  --help       show this help\n",
    run_eval};

}  // namespace tools
}  // namespace softedge
