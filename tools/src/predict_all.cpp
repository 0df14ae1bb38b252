// predict_all.cpp — see predict_all.h.
#include "softedge/tools/predict_all.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/host/file_io.h"
#include "softedge/host/json_text.h"
#include "softedge/tools/image_reader.h"

namespace softedge {
namespace tools {
namespace {

namespace fs = std::filesystem;

// A directory holds at most this many images for --all: the predictions are built in memory.
constexpr size_t kMaxDirectoryImages = 100000;

// Inputs and results: one row per image, named by its test-split index or its file.
struct Predictions {
  std::vector<uint8_t> pixels;         // count x input_size
  std::vector<std::string> files;      // empty for the test split
  std::vector<uint8_t> true_classes;   // the test split's labels; empty for files
  std::vector<float> probabilities;    // count x classes
  std::vector<uint32_t> classes;
  uint32_t count = 0;
};

void run(const LoadedModel& loaded, Predictions* p) {
  const Model& model = loaded.model();
  p->probabilities.resize(static_cast<size_t>(p->count) * model.num_classes);
  p->classes.resize(p->count);
  std::vector<uint8_t> scratch(scratch_bytes(model));
  const Status status =
      infer_batch_u8(model, p->pixels.data(), p->count, p->probabilities.data(),
                     p->classes.data(), scratch.data(), scratch.size());
  if (status != Status::kOk) {
    throw std::runtime_error(loaded.path() + ": inference failed: " + status_message(status));
  }
}

Predictions from_test_split(const LoadedModel& loaded, const std::string& data_option) {
  require_fashion_mnist_model(loaded);
  host::Split split = host::load_split(host::find_test_data_dir(data_option), "t10k");
  Predictions p;
  p.count = split.count;
  p.pixels = std::move(split.pixels);
  p.true_classes = std::move(split.labels);
  return p;
}

bool is_image_name(const fs::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".pgm" || ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

// Every .pgm/.png/.jpg/.jpeg regular file in `dir` (not below it), by name, resized and
// converted as `predict IMAGE` does.
Predictions from_directory(const LoadedModel& loaded, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": not a directory");
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || !is_image_name(it->path())) continue;
    if (files.size() == kMaxDirectoryImages) {
      throw std::runtime_error(dir + ": more than " + std::to_string(kMaxDirectoryImages) +
                               " images");
    }
    files.push_back(it->path().string());
  }
  if (ec) throw std::runtime_error(dir + ": cannot list the directory: " + ec.message());
  if (files.empty()) throw std::runtime_error(dir + ": no .pgm, .png or .jpg images in it");
  std::sort(files.begin(), files.end());
  const Model& model = loaded.model();
  Predictions p;
  p.count = static_cast<uint32_t>(files.size());
  p.pixels.reserve(files.size() * model.input_size);
  for (const std::string& file : files) {
    const InputImage image = read_input_image(file, model.input_width, model.input_height);
    p.pixels.insert(p.pixels.end(), image.pixels.begin(), image.pixels.end());
  }
  p.files = std::move(files);
  return p;
}

std::string number(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", static_cast<double>(value));
  return text;
}

// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string as_json(const LoadedModel& loaded, const Predictions& p) {
  const uint32_t classes = loaded.model().num_classes;
  host::Json images = host::Json::array();
  for (uint32_t i = 0; i < p.count; ++i) {
    host::Json image = p.files.empty() ? host::Json{{"index", i}, {"true_class", p.true_classes[i]}}
                                       : host::Json{{"file", p.files[i]}};
    image["class"] = p.classes[i];
    host::Json& probabilities = image["probabilities"] = host::Json::array();
    for (uint32_t c = 0; c < classes; ++c) {
      probabilities.push_back(host::json_float(p.probabilities[size_t{i} * classes + c]));
    }
    images.push_back(std::move(image));
  }
  return host::json_line({{"model", loaded.path()}, {"images", std::move(images)}});
}

std::string as_csv(const LoadedModel& loaded, const Predictions& p) {
  const uint32_t classes = loaded.model().num_classes;
  std::string text = p.files.empty() ? "index,true_class,class" : "file,class";
  for (uint32_t c = 0; c < classes; ++c) text += ",p" + std::to_string(c);
  text += "\n";
  for (uint32_t i = 0; i < p.count; ++i) {
    text += p.files.empty()
                ? std::to_string(i) + "," + std::to_string(p.true_classes[i])
                : csv_field(p.files[i]);
    text += "," + std::to_string(p.classes[i]);
    for (uint32_t c = 0; c < classes; ++c) {
      text += "," + number(p.probabilities[size_t{i} * classes + c]);
    }
    text += "\n";
  }
  return text;
}

}  // namespace

void predict_all(const LoadedModel& loaded, const std::string& data_option,
                 const std::string& image_dir, const std::string& csv_path, bool json) {
  Predictions p = image_dir.empty() ? from_test_split(loaded, data_option)
                                    : from_directory(loaded, image_dir);
  run(loaded, &p);
  const std::string text = json ? as_json(loaded, p) : as_csv(loaded, p);
  host::write_file_atomically(json || csv_path.empty() ? "-" : csv_path,
                               std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace tools
}  // namespace softedge
