// bench_fixture.h — the real Fashion-MNIST data and models trained on it, loaded once.
#ifndef SOFTEDGE_BENCH_FIXTURE_H
#define SOFTEDGE_BENCH_FIXTURE_H

#include <string>
#include <vector>

#include "softedge/host/aligned_bytes.h"
#include "softedge/host/dataset.h"
#include "softedge/model.h"

namespace bench {

struct BenchModel {
  std::string name;        // "d2l", "d2l-int8", "mlp", "mlp-int8": the first part of a case name
  std::string float_name;  // for an int8 model, the float model it was quantized from
  softedge::host::AlignedBytes file;
  softedge::Model model;
};

struct Fixture {
  softedge::host::Dataset data;
  // d2l: softmax regression, one epoch of the d2l settings; mlp: 784-256-10, one epoch of
  // softedge-train --hidden 256's settings; each also quantized (calibrated) to int8.
  std::vector<BenchModel> models;
};

// fixture().models[i].name is kModelNames[i]: the benchmarks register by name before training.
inline constexpr const char* kModelNames[] = {"d2l", "d2l-int8", "mlp", "mlp-int8"};

// Loads on first use; exits with a message if the data set is missing.
const Fixture& fixture();

}  // namespace bench

#endif
