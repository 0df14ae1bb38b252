// bench_fixture.h — the real Fashion-MNIST data and a model trained on it, loaded once.
#ifndef SOFTEDGE_BENCH_FIXTURE_H
#define SOFTEDGE_BENCH_FIXTURE_H

#include <vector>

#include "dataset.h"
#include "softedge/aligned_bytes.h"
#include "softedge/model.h"

namespace bench {

struct Fixture {
  softedge::train::Dataset data;
  softedge::AlignedBytes model_file;  // softmax regression, one epoch of the d2l settings
  softedge::Model model;
  softedge::AlignedBytes int8_file;   // the same model quantized (calibrated) to int8
  softedge::Model int8_model;
};

// Loads on first use; exits with a message if the data set is missing.
const Fixture& fixture();

}  // namespace bench

#endif
