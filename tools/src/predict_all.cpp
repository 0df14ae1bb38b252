// predict_all.cpp — see predict_all.h.
#include "predict_all.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "dataset.h"
#include "json_text.h"
#include "model_file.h"

namespace softedge {
namespace tools {
namespace {

struct Predictions {
  train::Split split;
  std::vector<float> probabilities;  // count x classes
  std::vector<uint32_t> classes;
};

Predictions run_all(const LoadedModel& loaded, const std::string& data_option) {
  require_fashion_mnist_model(loaded);
  Predictions p;
  p.split = train::load_split(train::find_test_data_dir(data_option), "t10k");
  const Model& model = loaded.model();
  p.probabilities.resize(static_cast<size_t>(p.split.count) * model.num_classes);
  p.classes.resize(p.split.count);
  std::vector<uint8_t> scratch(scratch_bytes(model));
  const Status status =
      infer_batch_u8(model, p.split.pixels.data(), p.split.count, p.probabilities.data(),
                     p.classes.data(), scratch.data(), scratch.size());
  if (status != Status::kOk) {
    throw std::runtime_error(loaded.path() + ": inference failed: " + status_message(status));
  }
  return p;
}

std::string number(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", static_cast<double>(value));
  return text;
}

}  // namespace

void predict_all(const LoadedModel& loaded, const std::string& data_option,
                 const std::string& csv_path, bool json) {
  const Predictions p = run_all(loaded, data_option);
  const uint32_t classes = loaded.model().num_classes;
  std::string text;
  if (json) {
    text = "{\"model\":" + json_string(loaded.path()) + ",\"images\":[";
    for (uint32_t i = 0; i < p.split.count; ++i) {
      text += std::string(i ? "," : "") + "{\"index\":" + std::to_string(i) +
              ",\"true_class\":" + std::to_string(p.split.labels[i]) +
              ",\"class\":" + std::to_string(p.classes[i]) + ",\"probabilities\":[";
      for (uint32_t c = 0; c < classes; ++c) {
        text += (c ? "," : "") + number(p.probabilities[size_t{i} * classes + c]);
      }
      text += "]}";
    }
    text += "]}\n";
  } else {
    text = "index,true_class,class";
    for (uint32_t c = 0; c < classes; ++c) text += ",p" + std::to_string(c);
    text += "\n";
    for (uint32_t i = 0; i < p.split.count; ++i) {
      text += std::to_string(i) + "," + std::to_string(p.split.labels[i]) + "," +
              std::to_string(p.classes[i]);
      for (uint32_t c = 0; c < classes; ++c) {
        text += "," + number(p.probabilities[size_t{i} * classes + c]);
      }
      text += "\n";
    }
  }
  train::write_file_atomically(json || csv_path.empty() ? "-" : csv_path,
                               std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace tools
}  // namespace softedge
