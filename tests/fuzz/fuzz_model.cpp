// fuzz_model.cpp — libFuzzer target: softedge::load() on any bytes, then inference on whatever
// loads, on every kernel set this CPU can run.
//
// Each input is loaded twice:
//   1. as it is (every byte sequence must give a Status, never a crash or an out-of-bounds
//      read: the bytes are copied to a heap block of exactly `size` bytes, so ASan sees any
//      read past it);
//   2. "repaired": the header's file_size clamped to the input and the CRC recomputed, so a
//      mutation reaches the structural checks instead of stopping at the checksum (a hostile
//      file can carry a valid CRC).
// Whatever loads runs infer_u8 (three images: bytes of the input, all 255, all 0),
// infer_batch_u8 (the same three images, which must give the single-image results bit for
// bit), and infer_f32 on floats taken from the input bytes (any bit pattern: NaN, Inf,
// denormals, huge values) and on features with one NaN (which must give kNonFiniteLogits), on
// every runnable kernel set. Checked: only documented Status values come back; on kOk every
// probability is finite, in [0, 1], and they sum to at most 1; on kNonFiniteLogits every
// probability is 0 and the prediction is class 0 with probability 0; a failed load leaves an
// empty Model. A violated check calls __builtin_trap(), which libFuzzer reports as a crash.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmath>
#include <vector>

#include "softedge/crc32.h"
#include "softedge/format.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

namespace {

namespace fmt = softedge::format;
using softedge::Status;

#define FUZZ_CHECK(condition) \
  do {                        \
    if (!(condition)) __builtin_trap(); \
  } while (0)

// The input in a heap block of exactly `size` bytes (so ASan reports any read past it), at
// malloc's alignment (16 bytes: load() needs 4).
struct ExactCopy {
  ExactCopy(const uint8_t* data, size_t size) : bytes(new uint8_t[size == 0 ? 1 : size]) {
    if (size != 0) memcpy(bytes, data, size);
  }
  ~ExactCopy() { delete[] bytes; }
  ExactCopy(const ExactCopy&) = delete;
  ExactCopy& operator=(const ExactCopy&) = delete;
  uint8_t* bytes;
};

bool all_zero(const float* values, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (values[i] != 0.0f) return false;
  }
  return true;
}

void check_result(Status status, const softedge::Model& model, const float* probabilities,
                  const softedge::Prediction& prediction) {
  const size_t n = model.num_classes;
  if (status == Status::kOk) {
    FUZZ_CHECK(prediction.top_class < n);
    float sum = 0;
    float largest = 0;
    for (size_t c = 0; c < n; ++c) {
      FUZZ_CHECK(std::isfinite(probabilities[c]));
      FUZZ_CHECK(probabilities[c] >= 0.0f && probabilities[c] <= 1.0f);
      sum += probabilities[c];
      if (probabilities[c] > largest) largest = probabilities[c];
    }
    // At most 1 (rounding aside); below 1 only in the documented corner case where every
    // logit is -FLT_MAX (docs/RUNTIME.md, Numerics), so no lower bound but a positive one.
    FUZZ_CHECK(sum <= 1.0f + 1e-3f);
    FUZZ_CHECK(sum > 0.0f);
    FUZZ_CHECK(prediction.top_probability == probabilities[prediction.top_class]);
    FUZZ_CHECK(prediction.top_probability >= largest * (1.0f - 1e-4f));
  } else {
    FUZZ_CHECK(status == Status::kNonFiniteLogits);
    FUZZ_CHECK(all_zero(probabilities, n));
    FUZZ_CHECK(prediction.top_class == 0);
    FUZZ_CHECK(prediction.top_probability == 0.0f);
  }
}

bool every_layer_int8(const softedge::Model& model) {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    if (!fmt::is_int8(model.layers[l].mode)) return false;
  }
  return true;
}

// A convolution or pooling layer (format version 3) may never read some inputs (a stride
// larger than the window) and max pooling skips a NaN that is not first in its window
// (docs/FORMAT.md): a NaN input reaches the logits only through dense layers for sure.
bool dense_only(const softedge::Model& model) {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    if (model.layers[l].kind != fmt::LayerKind::kDense) return false;
  }
  return true;
}

struct KernelResult {
  std::vector<Status> statuses;
  std::vector<uint32_t> top_classes;
};

// Inference on a loaded model with the active kernel set.
KernelResult run_inference(const softedge::Model& model, const uint8_t* input, size_t input_size) {
  const size_t pixels_per_image = model.input_size;
  const size_t classes = model.num_classes;
  constexpr size_t kImages = 3;
  std::vector<uint8_t> pixels(kImages * pixels_per_image);
  for (size_t i = 0; i < pixels_per_image; ++i) {
    pixels[i] = input_size ? static_cast<uint8_t>(input[(i * 7 + 13) % input_size] ^ (i * 29))
                           : 0;
    pixels[pixels_per_image + i] = 255;  // the int8 worst case
    pixels[2 * pixels_per_image + i] = 0;
  }
  // Exactly scratch_bytes(): a kernel writing past its share of scratch is caught by ASan.
  std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
  std::vector<float> probabilities(classes);

  KernelResult result;
  std::vector<float> single(kImages * classes);
  Status first_failure = Status::kOk;
  size_t failing_image = kImages;
  for (size_t n = 0; n < kImages; ++n) {
    softedge::Prediction prediction{12345, -1.0f};
    const Status status =
        softedge::infer_u8(model, pixels.data() + n * pixels_per_image, pixels_per_image,
                           single.data() + n * classes, classes, scratch.data(), scratch.size(),
                           &prediction);
    check_result(status, model, single.data() + n * classes, prediction);
    result.statuses.push_back(status);
    result.top_classes.push_back(prediction.top_class);
    if (status != Status::kOk && failing_image == kImages) {
      first_failure = status;
      failing_image = n;
    }
  }

  // The batch call: the same images give the same bits, and it stops at the first failure.
  std::vector<float> batch(kImages * classes, -1.0f);
  std::vector<uint32_t> batch_top(kImages, 99999);
  const Status batch_status = softedge::infer_batch_u8(
      model, pixels.data(), kImages, batch.data(), batch_top.data(), scratch.data(),
      scratch.size());
  FUZZ_CHECK(batch_status == first_failure);
  const size_t compared = failing_image == kImages ? kImages : failing_image + 1;
  FUZZ_CHECK(memcmp(batch.data(), single.data(), compared * classes * sizeof(float)) == 0);
  for (size_t n = 0; n < compared; ++n) FUZZ_CHECK(batch_top[n] == result.top_classes[n]);
  // Without a probability array (only classes wanted).
  std::vector<uint32_t> classes_only(kImages, 99999);
  FUZZ_CHECK(softedge::infer_batch_u8(model, pixels.data(), kImages, nullptr,
                                      classes_only.data(), scratch.data(), scratch.size()) ==
             first_failure);
  for (size_t n = 0; n < compared; ++n) FUZZ_CHECK(classes_only[n] == result.top_classes[n]);

  // Float features: any bit pattern from the input.
  const bool int8_first = fmt::is_int8(model.layers[0].mode);
  std::vector<float> features(pixels_per_image);
  for (size_t i = 0; i < pixels_per_image; ++i) {
    uint8_t b[4];
    for (size_t k = 0; k < 4; ++k) {
      b[k] = input_size ? input[(4 * i + k + 5) % input_size] : 0;
    }
    features[i] = fmt::read_f32(b);
  }
  softedge::Prediction prediction{12345, -1.0f};
  Status status = softedge::infer_f32(model, features.data(), features.size(),
                                      probabilities.data(), classes, scratch.data(),
                                      scratch.size(), &prediction);
  if (int8_first) {
    FUZZ_CHECK(status == Status::kUnsupportedLayer);
  } else {
    check_result(status, model, probabilities.data(), prediction);
    // In a dense model one NaN anywhere makes every output of the first layer NaN, and a NaN
    // never becomes a number again (docs/RUNTIME.md: NaN input gives kNonFiniteLogits).
    for (size_t i = 0; i < pixels_per_image; ++i) features[i] = pixels[i] / 255.0f;
    features[input_size % pixels_per_image] = NAN;
    prediction = softedge::Prediction{12345, -1.0f};
    status = softedge::infer_f32(model, features.data(), features.size(), probabilities.data(),
                                 classes, scratch.data(), scratch.size(), &prediction);
    FUZZ_CHECK(status == Status::kNonFiniteLogits ||
               (!dense_only(model) && status == Status::kOk));
    check_result(status, model, probabilities.data(), prediction);
  }
  return result;
}

void load_and_run(const uint8_t* data, size_t size) {
  ExactCopy copy(data, size);
  softedge::Model model;
  memset(&model, 0xA5, sizeof model);  // load() must fill or clear every field it reports
  const Status status = softedge::load(copy.bytes, size, &model);
  if (status != Status::kOk) {
    FUZZ_CHECK(model.layer_count == 0);
    FUZZ_CHECK(softedge::status_message(status) != nullptr);
    return;
  }
  FUZZ_CHECK(model.file_size <= size);
  FUZZ_CHECK(model.num_classes >= 1 && model.num_classes <= fmt::kMaxClasses);
  FUZZ_CHECK(model.layer_count >= 1 && model.layer_count <= fmt::kMaxLayers);
  FUZZ_CHECK(model.input_size >= 1 && model.input_size <= fmt::kMaxFeatures);
  for (uint32_t c = 0; c < model.num_classes; ++c) {
    FUZZ_CHECK(softedge::class_name(model, c)[0] != '\0');
  }

  // Every runnable kernel set. With only int8 layers the logits are the same bits on every
  // set, so the top classes must agree too.
  const bool exact = every_layer_int8(model);
  bool have_reference = false;
  KernelResult reference;
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& kernels = softedge::kernel_at(k);
    if (!softedge::kernel_runnable(kernels)) continue;
    FUZZ_CHECK(softedge::force_kernel(kernels.name) == Status::kOk);
    KernelResult result = run_inference(model, copy.bytes, size);
    if (exact && have_reference) {
      FUZZ_CHECK(result.statuses == reference.statuses);
      FUZZ_CHECK(result.top_classes == reference.top_classes);
    }
    if (!have_reference) reference = result;
    have_reference = true;
  }
  FUZZ_CHECK(softedge::force_kernel("auto") == Status::kOk);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  load_and_run(data, size);

  // The same bytes with file_size and CRC made consistent, to get past the checksum.
  if (size >= fmt::kHeaderSize && memcmp(data, fmt::kMagic, 4) == 0) {
    std::vector<uint8_t> repaired(data, data + size);
    const uint32_t declared = fmt::read_u32(&repaired[fmt::header::kFileSize]);
    if (declared > size || declared < fmt::kHeaderSize) {
      fmt::write_u32(&repaired[fmt::header::kFileSize], static_cast<uint32_t>(size));
    }
    const uint32_t file_size = fmt::read_u32(&repaired[fmt::header::kFileSize]);
    fmt::write_u32(&repaired[fmt::header::kCrc32],
                   softedge::model_file_crc(repaired.data(), file_size));
    load_and_run(repaired.data(), repaired.size());
  }
  return 0;
}
