// Inference on real test images: one image (latency, ns per inference) and 10,000 images
// (throughput, images/s), for each model of the fixture (784->10 and 784-256-10, float32 and
// int8), once per kernel set this CPU can run: "MODEL/single_image/KERNEL". batch_10000 gives
// infer_batch_u8 batch_scratch_bytes() (tiles of images); batch_10000_one_at_a_time only
// scratch_bytes() (one image at a time, as an embedded caller does), for the ratio.
#include <benchmark/benchmark.h>

#include <iterator>
#include <string>
#include <vector>

#include "bench_fixture.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace {

using softedge::Status;

bool use_kernel(benchmark::State& state, const char* name) {
  if (softedge::force_kernel(name) != Status::kOk) {
    state.SkipWithError("kernel not runnable on this CPU");
    return false;
  }
  return true;
}

void single_image(benchmark::State& state, const char* kernel, size_t model_index) {
  const bench::Fixture& f = bench::fixture();
  if (!use_kernel(state, kernel)) return;
  const softedge::Model& model = f.models[model_index].model;
  std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
  float probabilities[10];
  softedge::Prediction prediction{};
  size_t image = 0;
  const size_t pixels = model.input_size;
  for (auto _ : state) {
    const uint8_t* input = &f.data.test.pixels[image * pixels];
    softedge::infer_u8(model, input, pixels, probabilities, 10, scratch.data(), scratch.size(),
                       &prediction);
    benchmark::DoNotOptimize(prediction);
    image = (image + 1) % f.data.test.count;
  }
  state.SetItemsProcessed(state.iterations());
  softedge::force_kernel("auto");
}

void batch_10000(benchmark::State& state, const char* kernel, size_t model_index, bool tiles) {
  const bench::Fixture& f = bench::fixture();
  if (!use_kernel(state, kernel)) return;
  const softedge::Model& model = f.models[model_index].model;
  const size_t count = 10000;
  std::vector<uint8_t> scratch(tiles ? softedge::batch_scratch_bytes(model, count)
                                     : softedge::scratch_bytes(model));
  std::vector<float> probabilities(count * model.num_classes);
  std::vector<uint32_t> classes(count);
  for (auto _ : state) {
    softedge::infer_batch_u8(model, f.data.test.pixels.data(), count, probabilities.data(),
                             classes.data(), scratch.data(), scratch.size());
    benchmark::DoNotOptimize(classes.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * count);
  softedge::force_kernel("auto");
}

// One registration per model and compiled kernel set, e.g. "mlp-int8/single_image/avx512".
const bool registered = [] {
  for (size_t m = 0; m < std::size(bench::kModelNames); ++m) {
    const std::string model = bench::kModelNames[m];
    for (size_t k = 0; k < softedge::kernel_count(); ++k) {
      const char* name = softedge::kernel_at(k).name;
      benchmark::RegisterBenchmark((model + "/single_image/" + name).c_str(), single_image, name,
                                   m);
      benchmark::RegisterBenchmark((model + "/batch_10000/" + name).c_str(), batch_10000, name, m,
                                   true)
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((model + "/batch_10000_one_at_a_time/" + name).c_str(),
                                   batch_10000, name, m, false)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  return true;
}();

}  // namespace
