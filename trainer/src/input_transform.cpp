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

// Per pixel position, the sums of the curve's values and of their squares over the rows
// [begin, end), added in row order.
struct PixelSums {
  std::vector<double> values, squares;  // kImagePixels each
};

PixelSums pixel_sums(const host::Split& split, const std::array<float, 256>& curve,
                     uint32_t begin, uint32_t end) {
  std::array<double, 256> value{};
  for (int p = 0; p < 256; ++p) value[p] = curve[p];
  PixelSums sums;
  sums.values.assign(host::kImagePixels, 0.0);
  sums.squares.assign(host::kImagePixels, 0.0);
  double* values = sums.values.data();
  double* squares = sums.squares.data();
  for (uint32_t r = begin; r < end; ++r) {
    const uint8_t* row = &split.pixels[size_t{r} * host::kImagePixels];
    for (uint32_t i = 0; i < host::kImagePixels; ++i) {
      const double v = value[row[i]];
      values[i] += v;
      squares[i] += v * v;
    }
  }
  return sums;
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
  // Per pixel position, the sums of the values and of their squares, in double: the two
  // halves of the rows on two threads (47 M pixels for Fashion-MNIST), then added. The halves
  // do not depend on the thread count, so neither do the sums. (A histogram of the 256 values
  // per position gave exact sums, but filling its 784 x 256 counters took ~4x as long.)
  const uint32_t half = train.count / 2;
  std::future<PixelSums> second = std::async(std::launch::async, pixel_sums, std::cref(train),
                                             std::cref(curve), half, train.count);
  const PixelSums first = pixel_sums(train, curve, 0, half);
  const PixelSums last = second.get();
  t.mean.resize(host::kImagePixels);
  t.inv_std.resize(host::kImagePixels);
  for (uint32_t i = 0; i < host::kImagePixels; ++i) {
    const double mean = (first.values[i] + last.values[i]) / train.count;
    // E[v^2] - mean^2: for curves within [0, 1] its rounding error (~1e-12) is far below
    // kMinPixelStd^2; the max keeps a constant pixel's rounded variance from going negative.
    const double variance =
        std::max((first.squares[i] + last.squares[i]) / train.count - mean * mean, 0.0);
    const double std_dev = std::sqrt(variance);
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
