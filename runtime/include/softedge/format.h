// softedge/format.h — the weight file (.sedg), versions 1 to 3: the one definition shared by the
// writer (trainer, tools) and the loader (runtime). docs/FORMAT.md describes it in prose.
//
// All integers and floats are little-endian. A file is:
//
//   [file header, 64 bytes] [layer table: layer_count x 32 bytes] [class names]
//   [tensors, each starting at a multiple of 64 bytes from the start of the file]
//
// The CRC-32 (IEEE 802.3, as zlib's crc32) covers the whole file, with the 4 bytes of the
// crc field itself counted as zeros.
#ifndef SOFTEDGE_FORMAT_H
#define SOFTEDGE_FORMAT_H

#include <stdint.h>
#include <string.h>

namespace softedge {
namespace format {

constexpr uint8_t kMagic[4] = {'S', 'E', 'D', 'G'};
// Version 1: float32 layers, affine input. Version 2 adds int8 layers (DType::kInt8, also as
// hidden layers passing uint8 activations on) and the input pixel lookup table. A writer uses
// the lowest version that can hold the model, so plain float models stay readable by v1
// runtimes.
constexpr uint16_t kVersion1 = 1;
constexpr uint16_t kVersion2 = 2;
// Version 3 adds convolution and pooling layers over NHWC activations (LayerKind), the
// sigmoid activation, and the geometry bytes of the layer entry (layer::kKernelSize).
constexpr uint16_t kVersion3 = 3;
constexpr uint16_t kNewestVersion = kVersion3;
constexpr uint32_t kInputLutSize = 256;  // one byte per pixel value
constexpr uint32_t kHeaderSize = 64;
constexpr uint32_t kLayerEntrySize = 32;
constexpr uint32_t kTensorAlignment = 64;

// Limits that keep every size computation far from overflow and every Model fixed-size.
constexpr uint32_t kMaxLayers = 8;
constexpr uint32_t kMaxClasses = 1024;
constexpr uint32_t kMaxFeatures = 1u << 20;  // per layer input or output width

// Byte offsets of the file header fields.
namespace header {
constexpr uint32_t kMagic = 0;             // 4 bytes "SEDG"
constexpr uint32_t kVersion = 4;           // u16
constexpr uint32_t kHeaderSize = 6;        // u16, = 64
constexpr uint32_t kFileSize = 8;          // u32, whole file
constexpr uint32_t kCrc32 = 12;            // u32
constexpr uint32_t kFlags = 16;            // u32, must be 0 in v1
constexpr uint32_t kInputHeight = 20;      // u16
constexpr uint32_t kInputWidth = 22;       // u16
constexpr uint32_t kInputChannels = 24;    // u16
constexpr uint32_t kNumClasses = 26;       // u16
constexpr uint32_t kLayerCount = 28;       // u16
constexpr uint32_t kLayerEntrySize = 30;   // u16, = 32
constexpr uint32_t kLayerTableOffset = 32; // u32
constexpr uint32_t kClassNamesOffset = 36; // u32
constexpr uint32_t kClassNamesSize = 40;   // u32
constexpr uint32_t kPreprocess = 44;       // u32, Preprocess
constexpr uint32_t kInputScale = 48;       // f32: feature = lut(pixel) * scale + bias
constexpr uint32_t kInputBias = 52;        // f32
// u32: 0, or (version 2) the offset of 256 bytes, lut(p) = table[p]: a per-pixel-value curve
// (e.g. a square root) applied to the raw pixels before everything else; int8 layers then
// read the remapped pixels. Without a table lut(p) = p.
constexpr uint32_t kInputLutOffset = 56;
constexpr uint32_t kReserved = 60;         // u32, 0
}  // namespace header

// Byte offsets inside one 32-byte layer table entry.
//
// A float32 layer holds float weights and biases. An int8 layer (version 2) computes, from
// uint8 inputs x (zero point 0), acc[o] = bias[o] + sum_i x[i] * w[o][i] exactly in int32.
// Its inputs are the (remapped) pixels when it is the first layer (the model's input bias
// must be 0; the input scale is folded into the layer's scales), else the uint8 outputs of
// the int8 layer before it. Its output is either
//  - float (output_scale 0): acc[o] * scale[o], one IEEE multiply, the same bits on every
//    CPU; the scale tensor holds out float32 values > 0; or
//  - uint8 activations (output_scale > 0, activation ReLU, not the last layer):
//    q[o] = clamp((acc[o] * m[o] + 2^(n-1)) >> n, 0, 255) with n = 31 + shift[o], all in
//    int64, so every CPU gives the same bits; real value = q[o] * output_scale. The scale
//    tensor holds out pairs {int32 m in [2^30, 2^31), int32 shift in [-30, 31]}.
namespace layer {
constexpr uint32_t kKind = 0;           // u16, LayerKind
constexpr uint32_t kActivation = 2;     // u16, Activation
constexpr uint32_t kInFeatures = 4;     // u32
constexpr uint32_t kOutFeatures = 8;    // u32
constexpr uint32_t kWeightType = 12;    // u16, DType
constexpr uint32_t kReserved16 = 14;    // u16, 0 in dense layers (the two bytes below)
// Convolution and pooling layers (version 3): u8 kernel size k (a k x k window), and u8
// stride (low 4 bits) | zero padding (high 4 bits) on each side. Shapes: Shape, below.
constexpr uint32_t kKernelSize = 14;     // u8
constexpr uint32_t kStridePadding = 15;  // u8
constexpr uint32_t kWeightOffset = 16;  // u32: out x in row-major, float32 or int8
constexpr uint32_t kBiasOffset = 20;    // u32: out values, float32 or int32 (accumulator units)
constexpr uint32_t kScaleOffset = 24;   // u32: int8: scales or requantization pairs; float32: 0
constexpr uint32_t kOutputScale = 28;   // f32: int8 layers: 0 (float outputs) or > 0; float: 0
}  // namespace layer

// Dense layers read their input as a flat vector. Convolution and pooling layers (version 3)
// read and write NHWC activations: height x width x channels, channels fastest, the pixel
// order of the input image (input_height x input_width x input_channels). A dense layer
// after them reads that tensor flattened in the same order.
enum class LayerKind : uint16_t { kDense = 1, kConv2d = 2, kMaxPool = 3, kAvgPool = 4 };
// kSigmoid (version 3): 1 / (1 + exp(-x)), on float outputs only.
enum class Activation : uint16_t { kNone = 0, kRelu = 1, kSigmoid = 2 };

// An activation tensor's shape. A dense layer's output is 1 x 1 x out_features.
struct Shape {
  uint32_t height;
  uint32_t width;
  uint32_t channels;
};
constexpr uint64_t shape_size(Shape shape) {
  return static_cast<uint64_t>(shape.height) * shape.width * shape.channels;
}
// Output extent of a k-window sliding by `stride` over `extent` values padded by `padding`
// zeros each side (floor, as PyTorch and ONNX): 0 when the window does not fit once.
constexpr uint32_t window_output_extent(uint32_t extent, uint32_t kernel, uint32_t stride,
                                        uint32_t padding) {
  return extent + 2 * padding < kernel || stride == 0
             ? 0
             : (extent + 2 * padding - kernel) / stride + 1;
}
// Geometry limits (the loader's checks): 1 <= kernel <= 15, 1 <= stride <= 15,
// padding < kernel (convolution) and padding = 0 (pooling).
constexpr uint32_t kMaxKernelSize = 15;
enum class DType : uint16_t { kFloat32 = 1, kInt8 = 2 };
enum class Preprocess : uint32_t { kAffine = 1 };

// What a dense layer holds and outputs. The file has no field of its own for it: layer_mode()
// derives it from the entry's weight_type and output_scale, and the size rules below follow
// from it. Loader, writer and tools all go through these functions.
enum class LayerMode : uint8_t {
  kFloat32,          // float32 weights and biases; float outputs
  kInt8FloatOutput,  // int8 weights, int32 biases, a float32 scale per output; float outputs
  kInt8Uint8Output,  // int8 weights, int32 biases, an {m, shift} pair per output; uint8 outputs
};

constexpr bool known_weight_type(uint16_t weight_type) {
  return weight_type == static_cast<uint16_t>(DType::kFloat32) ||
         weight_type == static_cast<uint16_t>(DType::kInt8);
}

// The mode of a layer whose weight type is known (known_weight_type). An int8 layer's
// output_scale is compared as a float: 0 and -0.0 mean float outputs; anything else (NaN
// included) means uint8 outputs, whose scale the loader then requires to be > 0 and finite.
constexpr LayerMode layer_mode(DType weight_type, float output_scale) {
  return weight_type == DType::kFloat32 ? LayerMode::kFloat32
         : output_scale != 0.0f        ? LayerMode::kInt8Uint8Output
                                       : LayerMode::kInt8FloatOutput;
}

constexpr bool is_int8(LayerMode mode) { return mode != LayerMode::kFloat32; }

// Bytes of a layer's tensors. Weights: out x in float32 or int8. Biases: out float32 or int32.
// Scales: none (float32), out float32 scales, or out {int32 m, int32 shift} pairs.
struct LayerTensorBytes {
  uint64_t weights;
  uint64_t bias;
  uint64_t scales;
};
constexpr uint32_t weight_element_bytes(LayerMode mode) { return is_int8(mode) ? 1 : 4; }
constexpr uint32_t kBiasElementBytes = 4;
constexpr uint32_t scale_bytes_per_output(LayerMode mode) {
  return mode == LayerMode::kFloat32 ? 0 : mode == LayerMode::kInt8FloatOutput ? 4 : 8;
}
constexpr LayerTensorBytes layer_tensor_bytes(LayerMode mode, uint32_t in, uint32_t out) {
  return LayerTensorBytes{static_cast<uint64_t>(in) * out * weight_element_bytes(mode),
                          static_cast<uint64_t>(out) * kBiasElementBytes,
                          static_cast<uint64_t>(out) * scale_bytes_per_output(mode)};
}

// The int8 value rules. A requantization pair has m in [2^30, 2^31) and shift in [-30, 31],
// so (acc * m) >> (31 + shift) stays exact in int64. An accumulator must not be able to
// overflow int32: |bias| + in * kMaxInt8Product <= INT32_MAX, the largest product being a
// pixel of 255 times a weight of -128.
constexpr bool valid_requant_pair(int32_t m, int32_t shift) {
  return m >= (1 << 30) && shift >= -30 && shift <= 31;
}
constexpr uint64_t kMaxInt8Product = 255u * 128u;

// On a little-endian target a plain (unaligned-safe) copy: one load, where the byte-wise form
// looks large enough to GCC's -Os inliner that it becomes a call at each of the loader's
// dozens of uses (the aarch64 size-first loader is 276 bytes larger with it).
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
inline uint16_t read_u16(const uint8_t* p) {
  uint16_t value;
  memcpy(&value, p, sizeof value);
  return value;
}
inline uint32_t read_u32(const uint8_t* p) {
  uint32_t value;
  memcpy(&value, p, sizeof value);
  return value;
}
#else
inline uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
#endif
inline float read_f32(const uint8_t* p) {
  uint32_t bits = read_u32(p);
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}
inline void write_u16(uint8_t* p, uint16_t v) {
  const uint8_t bytes[2] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)};
  memcpy(p, bytes, sizeof bytes);
}
inline void write_u32(uint8_t* p, uint32_t v) {
  const uint8_t bytes[4] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                            static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
  memcpy(p, bytes, sizeof bytes);
}
inline void write_f32(uint8_t* p, float v) {
  uint32_t bits;
  memcpy(&bits, &v, sizeof bits);
  write_u32(p, bits);
}

inline constexpr uint32_t align_up(uint32_t value, uint32_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace format
}  // namespace softedge

#endif  // SOFTEDGE_FORMAT_H
