// The input transform's statistics and its folding into the first layer (see input_transform.h).
// Built with -march=SOFTEDGE_TRAINER_ARCH: the fused multiply-adds it compiles to are part of
// the statistics and the folded layer, and so of the model bytes.
#include "softedge/train/input_transform.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <future>
#include <stdexcept>

#include "softedge/train/split_check.h"

namespace softedge {
namespace train {
namespace {

// For each pixel position i and value p, how many of the rows [begin, end) have value p at i
// (at [i * 256 + p]).
std::vector<uint32_t> pixel_histograms(const host::Split& split, uint32_t begin, uint32_t end) {
  std::vector<uint32_t> histogram(size_t{host::kImagePixels} * 256, 0);
  for (uint32_t r = begin; r < end; ++r) {
    const uint8_t* row = &split.pixels[size_t{r} * host::kImagePixels];
    for (uint32_t i = 0; i < host::kImagePixels; ++i) ++histogram[size_t{i} * 256 + row[i]];
  }
  return histogram;
}

}  // namespace

std::array<float, 256> pixel_curve(Curve curve) {
  std::array<float, 256> values{};
  for (int p = 0; p < 256; ++p) {
    const double x = p / 255.0;
    values[p] = static_cast<float>(curve == Curve::kSqrt ? std::sqrt(x) : x);
  }
  return values;
}

InputTransform identity_input_transform(Curve curve) {
  InputTransform t;
  t.value_of_pixel = pixel_curve(curve);
  t.mean.assign(host::kImagePixels, 0.0f);
  t.inv_std.assign(host::kImagePixels, 1.0f);
  return t;
}

InputTransform make_input_transform(const host::Split& train, Curve curve) {
  return make_input_transform(train, pixel_curve(curve));
}

InputTransform make_input_transform(const host::Split& train, const std::array<float, 256>& curve) {
  check_split(train, "training");
  if (train.count == 0) throw std::invalid_argument("input transform: the training split is empty");
  InputTransform t;
  t.value_of_pixel = curve;
  // Per pixel position, a histogram of the 256 values: exact sums in any order. The two halves
  // of the rows are counted on two threads (47 M increments for Fashion-MNIST) and added.
  const uint32_t half = train.count / 2;
  std::future<std::vector<uint32_t>> second =
      std::async(std::launch::async, pixel_histograms, std::cref(train), half, train.count);
  std::vector<uint32_t> histogram = pixel_histograms(train, 0, half);
  const std::vector<uint32_t> counted = second.get();
  for (size_t k = 0; k < histogram.size(); ++k) histogram[k] += counted[k];
  t.mean.resize(host::kImagePixels);
  t.inv_std.resize(host::kImagePixels);
  for (uint32_t i = 0; i < host::kImagePixels; ++i) {
    double sum = 0.0;
    for (int p = 0; p < 256; ++p) {
      sum += static_cast<double>(histogram[size_t{i} * 256 + p]) * t.value_of_pixel[p];
    }
    const double mean = sum / train.count;
    double squares = 0.0;
    for (int p = 0; p < 256; ++p) {
      const double d = t.value_of_pixel[p] - mean;
      squares += static_cast<double>(histogram[size_t{i} * 256 + p]) * d * d;
    }
    const double std_dev = std::sqrt(squares / train.count);
    t.mean[i] = static_cast<float>(mean);
    t.inv_std[i] = static_cast<float>(1.0 / std::max<double>(std_dev, kMinPixelStd));
  }
  return t;
}

DenseParams fold_input_transform(const DenseParams& first, const InputTransform& transform) {
  if (first.in_features != transform.mean.size() || first.in_features != transform.inv_std.size()) {
    throw std::invalid_argument(
        "fold_input_transform: the layer's inputs do not match the transform");
  }
  DenseParams folded = first;
  for (uint32_t o = 0; o < first.out_features; ++o) {
    double shift = 0.0;
    for (uint32_t i = 0; i < first.in_features; ++i) {
      const double w = first.weights[size_t{o} * first.in_features + i];
      folded.weights[size_t{o} * first.in_features + i] =
          static_cast<float>(w * transform.inv_std[i]);
      shift += w * transform.mean[i] * transform.inv_std[i];
    }
    folded.bias[o] = static_cast<float>(first.bias[o] - shift);
  }
  return folded;
}

std::vector<DenseParams> fold_input_transform(std::vector<DenseParams> layers,
                                              const InputTransform& transform) {
  if (!layers.empty()) layers[0] = fold_input_transform(layers[0], transform);
  return layers;
}

}  // namespace train
}  // namespace softedge
