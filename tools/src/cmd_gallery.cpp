// cmd_gallery.cpp — `softedge gallery`: test images in a grid with their true and predicted
// labels, mistakes marked in red, as a PNG (the lesson's predict_ch3).
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/host/command_line.h"
#include "softedge/host/dataset.h"
#include "softedge/host/evaluation.h"
#include "softedge/host/gallery_image.h"
#include "softedge/host/output_paths.h"
#include "softedge/tools/commands.h"
#include "softedge/tools/file_named_errors.h"
#include "softedge/tools/loaded_model.h"

namespace softedge {
namespace tools {

namespace {

constexpr uint32_t kDefaultCount = 32;
constexpr uint32_t kDefaultColumns = 8;
constexpr uint32_t kMaxCount = 1000;
constexpr uint32_t kMaxColumns = 50;

int run_gallery(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string out, data;
  uint32_t count = kDefaultCount, start = 0, columns = kDefaultColumns;
  host::CommandLine()  // numbers are checked here, before any file is read
      .text("out", &out)
      .text("data", &data)
      .whole("count", &count, 1, kMaxCount)
      .whole("start", &start, 0, INT32_MAX)
      .whole("columns", &columns, 1, kMaxColumns)
      .positional(&files)
      .parse(args);
  if (files.size() != 1) throw UsageError("expected one MODEL file");
  if (out.empty()) throw UsageError("--out FILE.png is required");

  host::check_output_paths({files[0]}, {out});
  LoadedModel loaded(files[0]);
  require_fashion_mnist_model(loaded);
  const std::string data_dir = host::find_test_data_dir(data);
  const host::Split test = host::load_split(data_dir, "t10k");
  if (start >= test.count) {
    throw std::runtime_error("--start " + std::to_string(start) + " is out of range: the test " +
                             "split in " + data_dir + " has " + std::to_string(test.count) +
                             " images");
  }
  count = std::min(count, test.count - start);  // near the end, show what there is

  // The chosen images as a split of their own, classified by the runtime.
  host::Split shown;
  shown.count = count;
  const auto first_pixel = test.pixels.begin() + static_cast<size_t>(start) * host::kImagePixels;
  shown.pixels.assign(first_pixel, first_pixel + static_cast<size_t>(count) * host::kImagePixels);
  shown.labels.assign(test.labels.begin() + start, test.labels.begin() + start + count);
  const std::vector<uint32_t> predicted =
      naming_file(loaded.path(), [&] { return host::predict_classes(loaded.model(), shown); });

  std::vector<host::GalleryItem> items;
  uint32_t right = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const bool correct = predicted[i] == shown.labels[i];
    right += correct ? 1 : 0;
    items.push_back({shown.pixels.data() + static_cast<size_t>(i) * host::kImagePixels,
                     loaded.class_label(shown.labels[i]), loaded.class_label(predicted[i]),
                     correct});
  }
  const std::string model = loaded.path().substr(loaded.path().find_last_of('/') + 1);
  const std::string range = count == 1 ? "test image " + std::to_string(start)
                                       : "test images " + std::to_string(start) + "-" +
                                             std::to_string(start + count - 1);
  const std::vector<std::string> header = {
      model + ", " + range + ": " + std::to_string(right) + " of " + std::to_string(count) +
          " right",
      "true class, then prediction (red: wrong)"};
  const host::RgbImage picture = host::render_gallery(items, static_cast<int>(columns), header);
  host::write_png_file(out, picture);

  std::printf("%s: %s, %u right, %u wrong (%dx%d pixels)\n", out.c_str(), range.c_str(), right,
              count - right, picture.width(), picture.height());
  return 0;
}

}  // namespace

const Command kGalleryCommand = {
    "gallery", "a PNG grid of test images with true and predicted labels, mistakes in red",
    "softedge gallery MODEL --out FILE.png [--data DIR] [--count N] [--start I] [--columns C]",
    "Classifies test images (the Fashion-MNIST t10k split) with the runtime and draws them\n"
    "in a grid, 4x enlarged, with the true class and the prediction under each; a wrong\n"
    "prediction gets a red frame and is written in red. The PNG is written atomically.\n"
    "\n"
    "options:\n"
    "  --out FILE.png  where to write the picture (required)\n"
    "  --data DIR      directory with the Fashion-MNIST IDX files (raw or .gz); default:\n"
    "                  $SOFTEDGE_DATA, ./data/FashionMNIST/raw, ./data,\n"
    "                  /usr/share/datasets/fashion-mnist\n"
    "  --start I       first test image (default 0)\n"
    "  --count N       number of images, 1 to 1000 (default 32; fewer near the end)\n"
    "  --columns C     images per row, 1 to 50 (default 8)\n"
    "  --help          show this help\n",
    run_gallery};

}  // namespace tools
}  // namespace softedge
