// Inference on real test images: one image (latency, ns per inference) and 10,000 images
// (throughput, images/s), once per kernel set this CPU can run.
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

void single_image(benchmark::State& state, const char* kernel) {
  const bench::Fixture& f = bench::fixture();
  if (!use_kernel(state, kernel)) return;
  std::vector<uint8_t> scratch(softedge::scratch_bytes(f.model));
  float probabilities[10];
  softedge::Prediction prediction{};
  size_t image = 0;
  const size_t pixels = f.model.input_size;
  for (auto _ : state) {
    const uint8_t* input = &f.data.test.pixels[image * pixels];
    softedge::infer_u8(f.model, input, pixels, probabilities, 10, scratch.data(), scratch.size(),
                       &prediction);
    benchmark::DoNotOptimize(prediction);
    image = (image + 1) % f.data.test.count;
  }
  state.SetItemsProcessed(state.iterations());
  softedge::force_kernel("auto");
}

void batch_10000(benchmark::State& state, const char* kernel) {
  const bench::Fixture& f = bench::fixture();
  if (!use_kernel(state, kernel)) return;
  std::vector<uint8_t> scratch(softedge::scratch_bytes(f.model));
  const size_t count = 10000;
  std::vector<float> probabilities(count * f.model.num_classes);
  std::vector<uint32_t> classes(count);
  for (auto _ : state) {
    softedge::infer_batch_u8(f.model, f.data.test.pixels.data(), count, probabilities.data(),
                             classes.data(), scratch.data(), scratch.size());
    benchmark::DoNotOptimize(classes.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * count);
  softedge::force_kernel("auto");
}

// One registration per compiled kernel set, named e.g. "f32_single_image/avx512".
const bool registered = [] {
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const char* name = softedge::kernel_at(k).name;
    benchmark::RegisterBenchmark((std::string("f32_single_image/") + name).c_str(), single_image, name);
    benchmark::RegisterBenchmark((std::string("f32_batch_10000/") + name).c_str(), batch_10000, name)
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
