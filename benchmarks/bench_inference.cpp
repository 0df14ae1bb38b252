// Inference on real test images: one image (latency, ns per inference) and 10,000 images
// (throughput, images/s), for the float32 and the int8 model, once per kernel set this CPU
// can run.
#include <benchmark/benchmark.h>

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

const softedge::Model& model_of(const bench::Fixture& f, bool int8) {
  return int8 ? f.int8_model : f.model;
}

void single_image(benchmark::State& state, const char* kernel, bool int8) {
  const bench::Fixture& f = bench::fixture();
  if (!use_kernel(state, kernel)) return;
  const softedge::Model& model = model_of(f, int8);
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

void batch_10000(benchmark::State& state, const char* kernel, bool int8) {
  const bench::Fixture& f = bench::fixture();
  if (!use_kernel(state, kernel)) return;
  const softedge::Model& model = model_of(f, int8);
  std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
  const size_t count = 10000;
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

// One registration per model type and compiled kernel set, e.g. "i8_single_image/avx512".
const bool registered = [] {
  for (bool int8 : {false, true}) {
    const std::string type = int8 ? "i8_" : "f32_";
    for (size_t k = 0; k < softedge::kernel_count(); ++k) {
      const char* name = softedge::kernel_at(k).name;
      benchmark::RegisterBenchmark((type + "single_image/" + name).c_str(), single_image, name, int8);
      benchmark::RegisterBenchmark((type + "batch_10000/" + name).c_str(), batch_10000, name, int8)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  return true;
}();

}  // namespace
