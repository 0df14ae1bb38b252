#include "loaded_model.h"

#include <cmath>
#include <stdexcept>

#include "softedge/host/file_io.h"


namespace peers {
namespace {

std::string stem(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string extension = ".sedg";
  if (name.size() > extension.size() &&
      name.compare(name.size() - extension.size(), extension.size(), extension) == 0) {
    name.resize(name.size() - extension.size());
  }
  return name;
}

uint8_t remap(const softedge::Model& model, uint8_t pixel) {
  return model.input_lut != nullptr ? model.input_lut[pixel] : pixel;
}

}  // namespace

bool LoadedModel::has_int8_layer() const {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    if (softedge::format::is_int8(model.layers[l].mode)) return true;
  }
  return false;
}

bool LoadedModel::dense_only() const {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    if (model.layers[l].kind != softedge::format::LayerKind::kDense) return false;
  }
  return true;
}

LoadedModel load_model(const std::string& path, const softedge::host::Split& test) {
  LoadedModel loaded;
  loaded.name = stem(path);
  loaded.file = softedge::host::AlignedBytes(softedge::host::read_file(path));
  const softedge::Status status =
      softedge::load(loaded.file.data(), loaded.file.size(), &loaded.model);
  if (status != softedge::Status::kOk) {
    throw std::runtime_error(path + ": not a valid softedge model (status " +
                             std::to_string(static_cast<int>(status)) + ")");
  }
  const softedge::Model& model = loaded.model;
  if (model.input_size != softedge::host::kImagePixels) {
    throw std::runtime_error(path + ": the model reads " + std::to_string(model.input_size) +
                             " values, the test images have " +
                             std::to_string(softedge::host::kImagePixels) + " pixels");
  }
  loaded.test = &test;
  const size_t values = static_cast<size_t>(test.count) * model.input_size;
  loaded.pixels.reserve(values + LoadedModel::kInputPadding);
  loaded.pixels.resize(values);
  for (size_t i = 0; i < values; ++i) loaded.pixels[i] = remap(model, test.pixels[i]);
  if (!loaded.first_layer_int8()) {
    loaded.features.reserve(values + LoadedModel::kInputPadding / sizeof(float));
    loaded.features.resize(values);
    for (size_t i = 0; i < values; ++i) {
      loaded.features[i] = loaded.pixels[i] * model.input_scale + model.input_bias;
    }
  }
  return loaded;
}

float requantization_multiplier(const softedge::Layer& layer, uint32_t o) {
  const int32_t m = layer.requant[2 * o];
  const int32_t shift = layer.requant[2 * o + 1];
  return static_cast<float>(std::ldexp(static_cast<double>(m), -(31 + shift)));
}

}  // namespace peers
