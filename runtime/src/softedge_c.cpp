// The C API (softedge/softedge_c.h): each function forwards to the C++ one of the same name.
// Compiled like the rest of the runtime (no exceptions, no RTTI, no heap), and it adds no
// C++ runtime dependency: a C program links it with the C compiler.
#include "softedge/softedge_c.h"

#include "softedge/softedge.h"

namespace {

using softedge::Model;
using softedge::Status;

// The C model is storage for a C++ Model (a trivially copyable aggregate), never anything
// else: the C++ functions write it through this pointer and read it back the same way.
static_assert(sizeof(Model) <= SOFTEDGE_MODEL_STORAGE_BYTES,
              "softedge_model must have room for a softedge::Model");
static_assert(alignof(softedge_model) % alignof(Model) == 0,
              "softedge_model must be aligned for a softedge::Model");

Model* as_model(softedge_model* model) { return reinterpret_cast<Model*>(model->storage_.bytes_); }

const Model* as_model(const softedge_model* model) {
  return reinterpret_cast<const Model*>(model->storage_.bytes_);
}

softedge_status to_c(Status status) { return static_cast<softedge_status>(status); }

// The two lists agree one to one: same values, same order, same count.
static_assert(SOFTEDGE_OK == static_cast<int>(Status::kOk), "status lists differ");
static_assert(SOFTEDGE_NULL_ARGUMENT == static_cast<int>(Status::kNullArgument), "");
static_assert(SOFTEDGE_MISALIGNED_BUFFER == static_cast<int>(Status::kMisalignedBuffer), "");
static_assert(SOFTEDGE_TRUNCATED == static_cast<int>(Status::kTruncated), "");
static_assert(SOFTEDGE_BAD_MAGIC == static_cast<int>(Status::kBadMagic), "");
static_assert(SOFTEDGE_UNSUPPORTED_VERSION == static_cast<int>(Status::kUnsupportedVersion), "");
static_assert(SOFTEDGE_BAD_HEADER == static_cast<int>(Status::kBadHeader), "");
static_assert(SOFTEDGE_CHECKSUM_MISMATCH == static_cast<int>(Status::kChecksumMismatch), "");
static_assert(SOFTEDGE_BAD_LAYER_TABLE == static_cast<int>(Status::kBadLayerTable), "");
static_assert(SOFTEDGE_BAD_DIMENSIONS == static_cast<int>(Status::kBadDimensions), "");
static_assert(SOFTEDGE_BAD_TENSOR_OFFSET == static_cast<int>(Status::kBadTensorOffset), "");
static_assert(SOFTEDGE_UNSUPPORTED_LAYER == static_cast<int>(Status::kUnsupportedLayer), "");
static_assert(SOFTEDGE_NON_FINITE_WEIGHTS == static_cast<int>(Status::kNonFiniteWeights), "");
static_assert(SOFTEDGE_BAD_QUANTIZATION == static_cast<int>(Status::kBadQuantization), "");
static_assert(SOFTEDGE_BAD_CLASS_NAMES == static_cast<int>(Status::kBadClassNames), "");
static_assert(SOFTEDGE_BAD_PREPROCESSING == static_cast<int>(Status::kBadPreprocessing), "");
static_assert(SOFTEDGE_SIZE_MISMATCH == static_cast<int>(Status::kSizeMismatch), "");
static_assert(SOFTEDGE_SCRATCH_TOO_SMALL == static_cast<int>(Status::kScratchTooSmall), "");
static_assert(SOFTEDGE_NON_FINITE_LOGITS == static_cast<int>(Status::kNonFiniteLogits), "");
static_assert(SOFTEDGE_UNKNOWN_KERNEL == static_cast<int>(Status::kUnknownKernel), "");
static_assert(SOFTEDGE_KERNEL_UNAVAILABLE == static_cast<int>(Status::kKernelUnavailable), "");
static_assert(SOFTEDGE_LAYER_MODE_UNAVAILABLE == static_cast<int>(Status::kLayerModeUnavailable),
              "");
static_assert(SOFTEDGE_STATUS_COUNT == static_cast<int>(Status::kCount),
              "a Status has no C counterpart: add it to softedge_status");

}  // namespace

extern "C" {

softedge_status softedge_load(const uint8_t* data, size_t size, softedge_model* model) {
  if (model == nullptr) return SOFTEDGE_NULL_ARGUMENT;
  return to_c(softedge::load(data, size, as_model(model)));
}

size_t softedge_scratch_bytes(const softedge_model* model) {
  if (model == nullptr || as_model(model)->layer_count == 0) return 0;
  return softedge::scratch_bytes(*as_model(model));
}

size_t softedge_batch_scratch_bytes(const softedge_model* model, size_t images) {
  if (model == nullptr || as_model(model)->layer_count == 0) return 0;
  return softedge::batch_scratch_bytes(*as_model(model), images);
}

softedge_status softedge_infer_u8(const softedge_model* model, const uint8_t* pixels,
                                  size_t pixel_count, float* probabilities,
                                  size_t probability_count, void* scratch, size_t scratch_size,
                                  uint32_t* top_class) {
  if (model == nullptr) return SOFTEDGE_NULL_ARGUMENT;
  softedge::Prediction prediction = {0, 0.0f};
  const Status status = softedge::infer_u8(*as_model(model), pixels, pixel_count, probabilities,
                                           probability_count, scratch, scratch_size, &prediction);
  if (top_class != nullptr) *top_class = prediction.top_class;
  return to_c(status);
}

softedge_status softedge_infer_batch_u8(const softedge_model* model, const uint8_t* pixels,
                                        size_t image_count, float* probabilities,
                                        uint32_t* top_classes, void* scratch,
                                        size_t scratch_size) {
  if (model == nullptr) return SOFTEDGE_NULL_ARGUMENT;
  return to_c(softedge::infer_batch_u8(*as_model(model), pixels, image_count, probabilities,
                                       top_classes, scratch, scratch_size));
}

uint32_t softedge_input_size(const softedge_model* model) {
  return model == nullptr ? 0 : as_model(model)->input_size;
}

uint32_t softedge_num_classes(const softedge_model* model) {
  return model == nullptr ? 0 : as_model(model)->num_classes;
}

const char* softedge_class_name(const softedge_model* model, uint32_t index) {
  return model == nullptr ? "" : softedge::class_name(*as_model(model), index);
}

const char* softedge_status_message(softedge_status status) {
  return softedge::status_message(static_cast<Status>(status));
}

const char* softedge_kernel_name(void) { return softedge::active_kernels().name; }

softedge_status softedge_force_kernel(const char* name) {
  return to_c(softedge::force_kernel(name));
}

const char* softedge_version(void) { return SOFTEDGE_VERSION_STRING; }

uint32_t softedge_format_version(void) { return softedge::format::kNewestVersion; }

}  // extern "C"
