// loaded_model.h — a .sedg file loaded through the runtime, with the test images prepared for
// every engine. Every engine runs this one view of the weights: the peers read the very
// tensors the runtime validated, so they all compute the same model.
#ifndef SOFTEDGE_PEERS_LOADED_MODEL_H
#define SOFTEDGE_PEERS_LOADED_MODEL_H

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/host/aligned_bytes.h"
#include "softedge/host/dataset.h"
#include "softedge/softedge.h"


namespace peers {

struct LoadedModel {
  std::string name;                    // the file name without directory and ".sedg"
  softedge::host::AlignedBytes file;   // the bytes `model` points into
  softedge::Model model;
  const softedge::host::Split* test = nullptr;  // raw pixels and labels

  // The inputs, prepared once before any timing. The model's pixel lookup table (if it has
  // one) is applied here for every engine, softedge included: it is the same table lookup
  // before any engine, and would otherwise weigh on softedge's figures alone.
  //   pixels:   lut(pixel), count x input_size: what softedge and int8 first layers read;
  //   features: lut(pixel) * input_scale + input_bias, for a float32 first layer (else
  //             empty): what float peers read (softedge converts inside its own call).
  // Each has kInputPadding bytes reserved past its end: XNNPACK may read that far past its
  // input.
  static constexpr size_t kInputPadding = 64;
  std::vector<uint8_t> pixels;
  std::vector<float> features;

  uint32_t image_count() const { return test->count; }
  bool first_layer_int8() const { return softedge::format::is_int8(model.layers[0].mode); }
  bool has_int8_layer() const;
  bool dense_only() const;  // no convolution or pooling layer
};

// Loads `path` (throws std::runtime_error naming the file and the problem) and prepares
// `test` for it; `test` must outlive the result.
LoadedModel load_model(const std::string& path, const softedge::host::Split& test);

// The real multiplier of a uint8-output int8 layer's output o: q = acc * m / 2^(31 + shift),
// as one float, for libraries that requantize with a float scale.
float requantization_multiplier(const softedge::Layer& layer, uint32_t o);

}  // namespace peers

#endif
