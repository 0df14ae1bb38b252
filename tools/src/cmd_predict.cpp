// cmd_predict.cpp — `softedge predict`: the most likely classes, with probabilities, for one
// image: a PGM file, or an image of the Fashion-MNIST test split (with its true label).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <numeric>
#include <string>
#include <vector>

#include "softedge/host/command_line.h"
#include "softedge/host/dataset.h"
#include "softedge/host/json_text.h"
#include "softedge/host/output_paths.h"
#include "softedge/tools/commands.h"
#include "softedge/tools/image_reader.h"
#include "softedge/tools/loaded_model.h"
#include "softedge/tools/predict_all.h"

namespace softedge {
namespace tools {

namespace {

constexpr uint32_t kDefaultTop = 3;

struct Image {
  std::string description;  // "shirt.pgm" or "test image 42 of /data/dir"
  std::vector<uint8_t> pixels;
  int index = -1;       // in the test split; -1 for a PGM file
  int true_label = -1;  // -1: unknown (a PGM file)
};

Image image_from_test_split(const LoadedModel& loaded, uint32_t index,
                            const std::string& data_option) {
  require_fashion_mnist_model(loaded);
  std::string data_dir = host::find_test_data_dir(data_option);
  host::Split split = host::load_split(data_dir, "t10k");
  if (index >= split.count) {
    throw std::runtime_error("--index " + std::to_string(index) + " is out of range: the test " +
                             "split in " + data_dir + " has " + std::to_string(split.count) +
                             " images");
  }
  Image image;
  image.description = "test image " + std::to_string(index) + " of " + data_dir;
  const uint8_t* first = split.pixels.data() + static_cast<size_t>(index) * host::kImagePixels;
  image.pixels.assign(first, first + host::kImagePixels);
  image.index = static_cast<int>(index);
  image.true_label = split.labels[index];
  return image;
}

Image image_from_file(const LoadedModel& loaded, const std::string& path) {
  const Model& model = loaded.model();
  if (model.input_channels != 1) {
    throw std::runtime_error(loaded.path() + ": the model takes " +
                             std::to_string(model.input_channels) +
                             "-channel images; predict reads greyscale (1 channel)");
  }
  InputImage input = read_input_image(path, model.input_width, model.input_height);
  if (!input.conversion.empty()) {
    std::fprintf(stderr, "softedge predict: %s: %s\n", path.c_str(), input.conversion.c_str());
  }
  if (input.light_background) {
    std::fprintf(stderr, "softedge predict: %s: warning: a light background; the training "
                 "images are light items on black (invert the image?)\n", path.c_str());
  }
  Image image;
  image.description = path;
  image.pixels = std::move(input.pixels);
  return image;
}

int run_predict(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string data, csv;
  uint32_t index = 0, top = kDefaultTop;
  bool json = false, all = false;
  host::CommandLine line;  // numbers are checked here, before any file is read
  line.whole("index", &index, 0, INT32_MAX)
      .text("data", &data)
      .whole("top", &top, 1, format::kMaxClasses)
      .flag("json", &json)
      .flag("all", &all)
      .text("csv", &csv)
      .positional(&files)
      .parse(args);
  const bool by_index = line.given("index");
  if (files.empty()) throw UsageError("expected a MODEL file");
  if (all) {
    if (files.size() > 2 || by_index || line.given("top")) {
      throw UsageError("--all takes MODEL and optionally a DIR of images (no --index or --top)");
    }
    const std::string image_dir = files.size() == 2 ? files[1] : "";
    if (!image_dir.empty() && line.given("data")) {
      throw UsageError("--data is for the test split: give it or a DIR of images, not both");
    }
    if (line.given("csv") && json) throw UsageError("give --csv or --json, not both");
    host::check_output_paths({files[0]}, {csv});
    predict_all(LoadedModel(files[0]), data, image_dir, csv, json);
    return 0;
  }
  if (line.given("csv")) throw UsageError("--csv only applies with --all");
  if (files.size() > 2) throw UsageError("too many arguments");
  if (by_index == (files.size() == 2)) {
    throw UsageError("give either an IMAGE file or --index N");
  }
  if (line.given("data") && !by_index) {
    throw UsageError("--data only applies with --index or --all");
  }

  LoadedModel loaded(files[0]);
  const Model& model = loaded.model();
  Image image =
      by_index ? image_from_test_split(loaded, index, data) : image_from_file(loaded, files[1]);

  std::vector<float> probabilities(model.num_classes);
  std::vector<uint8_t> scratch(scratch_bytes(model));
  Status status = infer_u8(model, image.pixels.data(), image.pixels.size(), probabilities.data(),
                           probabilities.size(), scratch.data(), scratch.size(), nullptr);
  if (status != Status::kOk) {
    throw std::runtime_error(loaded.path() + ": inference failed: " + status_message(status));
  }

  // Most probable first; equal probabilities keep class order, so output is deterministic.
  std::vector<uint32_t> order(model.num_classes);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return probabilities[a] > probabilities[b];
  });
  order.resize(std::min<size_t>(top, order.size()));

  if (json) {
    host::Json document = {{"image", image.description}};
    if (image.true_label >= 0) {
      document["index"] = image.index;
      document["true_class"] = image.true_label;
      document["true_name"] = class_name(model, image.true_label);
    }
    host::Json& ranked = document["top"] = host::Json::array();
    for (uint32_t c : order) {
      ranked.push_back({{"class", c},
                        {"name", class_name(model, c)},
                        {"probability", host::json_float(probabilities[c])}});
    }
    std::fputs(host::json_line(document).c_str(), stdout);
    return 0;
  }

  std::printf("image: %s\n", image.description.c_str());
  if (image.true_label >= 0) {
    std::printf("true label: %s\n", loaded.class_label(image.true_label).c_str());
  }
  int name_width = 0;
  for (uint32_t c : order) {
    name_width = std::max(name_width, static_cast<int>(loaded.class_label(c).size()));
  }
  for (size_t rank = 0; rank < order.size(); ++rank) {
    uint32_t c = order[rank];
    std::printf("  %zu. %-*s  %.4f%s\n", rank + 1, name_width, loaded.class_label(c).c_str(),
                probabilities[c],
                static_cast<int>(c) == image.true_label ? "  <- true label" : "");
  }
  return 0;
}

}  // namespace

const Command kPredictCommand = {
    "predict", "the most likely classes of one image (PGM, PNG, JPEG or a test image)",
    "softedge predict MODEL (IMAGE | --index N) [--data DIR] [--top K] [--json]\n"
    "       softedge predict MODEL --all [--data DIR | IMAGE_DIR] [--csv FILE | --json]",
    "Prints the K most likely classes, with their probabilities, for one image:\n"
    "a binary greyscale PGM file (P5, maxval 255, the model's input size, e.g. 28x28),\n"
    "a PNG or JPEG of any size, grey or colour (colour becomes luminance,\n"
    "(77 R + 150 G + 29 B) / 256; another size is resampled to the model's input with\n"
    "a box filter: area-weighted means), or image N of the Fashion-MNIST test split,\n"
    "shown with its true label. Pixels are used as stored: Fashion-MNIST items are\n"
    "light on a black background, and a light background gets a warning on stderr.\n"
    "\n"
    "options:\n"
    "  --index N    use test image N (0-based) instead of a PGM file\n"
    "  --data DIR   directory with the Fashion-MNIST IDX files (with --index)\n"
    "  --top K      how many classes to show (default 3)\n"
    "  --all        every test image: index, true class, predicted class and every\n"
    "               class's probability, as CSV (standard output or --csv FILE) or --json;\n"
    "               with IMAGE_DIR, every .pgm/.png/.jpg in it (by name): file, class and\n"
    "               probabilities\n"
    "  --csv FILE   with --all: write the CSV to FILE (atomically; '-': standard output)\n"
    "  --json       print one JSON object instead of text\n"
    "  --help       show this help\n",
    run_predict};

}  // namespace tools
}  // namespace softedge
