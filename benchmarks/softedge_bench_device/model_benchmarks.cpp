#include "model_benchmarks.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>

#include "latency_distribution.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "stack_probe.h"

namespace device_bench {
namespace {

using softedge::Status;

// Makes `kernel` the active set for one benchmark run and restores the default afterwards.
class KernelScope {
 public:
  KernelScope(benchmark::State& state, const std::string& kernel)
      : ok_(softedge::force_kernel(kernel.c_str()) == Status::kOk) {
    if (!ok_) state.SkipWithError(("kernel set " + kernel + " not runnable").c_str());
  }
  ~KernelScope() { softedge::force_kernel("auto"); }
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

// Buffers of one inference call: scratch sized by the runtime, probabilities, classes.
struct CallBuffers {
  CallBuffers(const softedge::Model& model, size_t images)
      : scratch(softedge::scratch_bytes(model)),
        probabilities(images * model.num_classes),
        classes(images) {}
  std::vector<uint8_t> scratch;
  std::vector<float> probabilities;
  std::vector<uint32_t> classes;
};

Status infer_one(const softedge::Model& model, const uint8_t* pixels, CallBuffers& buffers,
                 softedge::Prediction* prediction) {
  return softedge::infer_u8(model, pixels, model.input_size, buffers.probabilities.data(),
                            model.num_classes, buffers.scratch.data(), buffers.scratch.size(),
                            prediction);
}

bool check(benchmark::State& state, Status status) {
  if (status == Status::kOk) return true;
  state.SkipWithError(softedge::status_message(status));
  return false;
}

// Runs the benchmark loop with every call timed on its own (manual time), so the reported
// time is the mean of the same samples the percentiles come from. Every case reports the same
// counters (p50, p90, p99, max; seconds): Google Benchmark's CSV output needs one column set.
// `before` runs untimed before each sample.
template <class Call, class Before>
void timed_calls(benchmark::State& state, Call call, Before before) {
  std::vector<uint32_t> samples;
  samples.reserve(std::min<size_t>(static_cast<size_t>(state.max_iterations), kMaxLatencySamples));
  for (auto _ : state) {
    before();
    const auto start = LatencyClock::now();
    call();
    const auto stop = LatencyClock::now();
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count();
    state.SetIterationTime(static_cast<double>(ns) * 1e-9);
    if (samples.size() < kMaxLatencySamples) {
      samples.push_back(static_cast<uint32_t>(std::min<int64_t>(ns, UINT32_MAX)));
    }
  }
  const Percentiles p = percentiles(&samples);
  state.counters["p50"] = p.p50 * 1e-9;
  state.counters["p90"] = p.p90 * 1e-9;
  state.counters["p99"] = p.p99 * 1e-9;
  state.counters["max"] = p.max * 1e-9;
}

void single_image(benchmark::State& state, const ModelFile* file, const InputImages* images,
                  std::string kernel) {
  KernelScope scope(state, kernel);
  const softedge::Model& model = file->model;
  CallBuffers buffers(model, 1);
  softedge::Prediction prediction{};
  if (!scope.ok() || !check(state, infer_one(model, images->image(0), buffers, &prediction))) return;
  size_t index = 0;
  timed_calls(
      state,
      [&] {
        infer_one(model, images->at(index), buffers, &prediction);
        benchmark::DoNotOptimize(prediction);
      },
      [&] {
        if (++index == images->count) index = 0;
      });
  state.SetItemsProcessed(state.iterations());
}

void batch(benchmark::State& state, const ModelFile* file, const uint8_t* pixels, uint32_t count,
           std::string kernel) {
  KernelScope scope(state, kernel);
  const softedge::Model& model = file->model;
  CallBuffers buffers(model, count);
  auto run = [&] {
    return softedge::infer_batch_u8(model, pixels, count, buffers.probabilities.data(),
                                    buffers.classes.data(), buffers.scratch.data(),
                                    buffers.scratch.size());
  };
  if (!scope.ok() || !check(state, run())) return;
  timed_calls(
      state,
      [&] {
        run();
        benchmark::DoNotOptimize(buffers.classes.data());
        benchmark::ClobberMemory();
      },
      [] {});
  state.SetItemsProcessed(state.iterations() * count);
}

// What a device does at boot: validate the bytes (every field and the CRC of the whole
// file), size the scratch, classify the first image. The bytes are already in RAM (reading
// flash or a file system is the device's own cost) but not in the caches.
void cold_start(benchmark::State& state, const ModelFile* file, const InputImages* images,
                std::string kernel, CacheEvictor* evictor) {
  KernelScope scope(state, kernel);
  if (!scope.ok()) return;
  CallBuffers buffers(file->model, 1);
  Status status = Status::kOk;
  timed_calls(
      state,
      [&] {
        softedge::Model model;
        status = softedge::load(file->bytes.get(), file->size, &model);
        softedge::Prediction prediction{};
        if (status == Status::kOk && softedge::scratch_bytes(model) <= buffers.scratch.size()) {
          status = infer_one(model, images->image(0), buffers, &prediction);
        }
        benchmark::DoNotOptimize(prediction);
      },
      [&] { evictor->evict(); });
  check(state, status);
}

struct StackCall {
  const softedge::Model* model;
  const uint8_t* pixels;
  CallBuffers* buffers;
  uint32_t images;
};

void stack_call(void* context) {
  StackCall& call = *static_cast<StackCall*>(context);
  softedge::infer_batch_u8(*call.model, call.pixels, call.images, call.buffers->probabilities.data(),
                           call.buffers->classes.data(), call.buffers->scratch.data(),
                           call.buffers->scratch.size());
}

void stack_call_single(void* context) {
  StackCall& call = *static_cast<StackCall*>(context);
  softedge::Prediction prediction{};
  infer_one(*call.model, call.pixels, *call.buffers, &prediction);
}

// Registration owns the contiguous batch inputs (images repeated when N exceeds the set).
std::vector<std::vector<uint8_t>>& batch_inputs() {
  static std::vector<std::vector<uint8_t>> inputs;
  return inputs;
}

}  // namespace

ModelMemory measure_memory(const ModelFile& model, const InputImages& images,
                           const std::vector<std::string>& kernels) {
  ModelMemory memory;
  memory.model_bytes = model.size;
  memory.scratch_bytes = softedge::scratch_bytes(model.model);
  CallBuffers buffers(model.model, 2);
  std::vector<uint8_t> two(images.image(0), images.image(0) + images.image_bytes);
  two.insert(two.end(), images.image(1), images.image(1) + images.image_bytes);
  for (const std::string& kernel : kernels) {
    if (softedge::force_kernel(kernel.c_str()) != Status::kOk) continue;
    StackCall call{&model.model, two.data(), &buffers, 2};
    // Warm-up calls first: a process's first call of expf() & co. goes through the dynamic
    // linker's lazy binding, which saves every vector register on the stack (3 KB and more
    // with AVX-512); that is start-up cost, not the inference's. What is measured includes the
    // trampoline (stack_call*) frame, tens of bytes.
    stack_call_single(&call);
    stack_call(&call);
    memory.stack_bytes = std::max(memory.stack_bytes, measure_stack_use(stack_call_single, &call));
    memory.stack_bytes = std::max(memory.stack_bytes, measure_stack_use(stack_call, &call));
  }
  softedge::force_kernel("auto");
  return memory;
}

void register_model_benchmarks(const ModelFile& model, const InputImages& images,
                               const std::vector<std::string>& kernels,
                               const std::string& cold_start_kernel,
                               const std::vector<uint32_t>& batches, CacheEvictor* evictor) {
  const std::string& name = model.name;
  std::vector<const uint8_t*> batch_pixels;  // per entry of `batches`, shared by the kernel sets
  for (uint32_t count : batches) {
    std::vector<uint8_t>& pixels = batch_inputs().emplace_back();
    for (uint32_t i = 0; count > 1 && i < count; ++i) {
      pixels.insert(pixels.end(), images.image(i), images.image(i) + images.image_bytes);
    }
    batch_pixels.push_back(pixels.data());
  }
  for (const std::string& kernel : kernels) {
    for (size_t b = 0; b < batches.size(); ++b) {
      const uint32_t count = batches[b];
      const std::string label = name + "/batch:" + std::to_string(count) + "/" + kernel;
      if (count == 1) {
        benchmark::RegisterBenchmark(label.c_str(), single_image, &model, &images, kernel)
            ->UseManualTime();
        continue;
      }
      benchmark::RegisterBenchmark(label.c_str(), batch, &model, batch_pixels[b], count, kernel)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RegisterBenchmark((name + "/cold_start/" + cold_start_kernel).c_str(), cold_start,
                               &model, &images, cold_start_kernel, evictor)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace device_bench
