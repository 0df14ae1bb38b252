// cli_fixtures.h — the files the CLI suite hands the binaries: a tiny Fashion-MNIST
// directory, a valid 784 -> 10 model, and valid models the tools must still refuse or handle.
#pragma once

#include <algorithm>
#include <cfloat>
#include <string>
#include <vector>

#include "cli_harness.h"
#include "runtime/model_fixtures.h"
#include "softedge/host/model_writer.h"

namespace cli {

// All four IDX files, `test_count` test images (0: an empty test split), 20 training images.
inline std::string data_dir(const fixtures::TempDir& dir, uint32_t test_count = 20,
                            const std::string& name = "data") {
  const std::string d = dir.sub(name);
  fixtures::write_bytes(fs::path(d) / "train-images-idx3-ubyte", fixtures::idx_images(20));
  fixtures::write_bytes(fs::path(d) / "train-labels-idx1-ubyte",
                        fixtures::idx_labels(fixtures::cycling_labels(20)));
  fixtures::write_bytes(fs::path(d) / "t10k-images-idx3-ubyte", fixtures::idx_images(test_count));
  fixtures::write_bytes(fs::path(d) / "t10k-labels-idx1-ubyte",
                        fixtures::idx_labels(fixtures::cycling_labels(test_count)));
  return d;
}

inline softedge::host::ModelSpec model_spec() { return fixtures::mnist_linear_spec(3); }

// A valid model whose logits overflow float on any non-black image: weights near FLT_MAX.
inline softedge::host::ModelSpec huge_weights_spec() {
  softedge::host::ModelSpec spec = model_spec();
  for (float& w : spec.layers[0].weights) w = w < 0 ? -FLT_MAX / 2 : FLT_MAX / 2;
  return spec;
}

// A valid float model whose biases no int32 accumulator can hold once quantized.
inline softedge::host::ModelSpec huge_bias_spec() {
  softedge::host::ModelSpec spec = model_spec();
  for (float& b : spec.layers[0].bias) b = 1e30f;
  return spec;
}

// A valid model with class 0 named `name`.
inline softedge::host::ModelSpec named_class_spec(const std::string& name) {
  softedge::host::ModelSpec spec = model_spec();
  spec.class_names[0] = name;
  return spec;
}

inline std::string write_model(const fixtures::TempDir& dir, const std::string& file,
                               const softedge::host::ModelSpec& spec) {
  return dir.write(file, softedge::host::encode_model(spec));
}

// A 28 x 28 binary PGM of `pixels`.
inline Bytes pgm(const Bytes& pixels) {
  const std::string header = "P5\n28 28\n255\n";
  Bytes bytes(header.size() + pixels.size());
  std::copy(header.begin(), header.end(), bytes.begin());
  std::copy(pixels.begin(), pixels.end(), bytes.begin() + static_cast<long>(header.size()));
  return bytes;
}

}  // namespace cli
