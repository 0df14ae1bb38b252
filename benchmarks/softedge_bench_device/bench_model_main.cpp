// softedge-bench MODEL.sedg [...]: benchmarks the user's own model files on this CPU (a
// Raspberry Pi, a desktop) with Google Benchmark. Links only the runtime, so it builds for
// every target the runtime does. See bench_options.cpp for the command line and
// model_benchmarks.h for what each case measures.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_options.h"
#include "cache_evictor.h"
#include "input_images.h"
#include "latency_distribution.h"
#include "model_benchmarks.h"
#include "model_file.h"
#include "recording_reporter.h"
#include "softedge/kernels.h"
#include "softedge/version.h"
#include "summary_table.h"

namespace {

using namespace device_bench;

void print_help() {
  print_usage(stdout);
  std::printf("\nGoogle Benchmark's flags:\n");
  benchmark::PrintDefaultHelp();
}

int fail(const std::string& message) {
  std::fprintf(stderr, "softedge-bench: %s\n", message.c_str());
  return 1;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

// File name without directory and .sedg; a repeated name gets "#2", "#3", ...
std::string label_for(const std::string& path, const std::vector<BenchedModel>& earlier) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".sedg") == 0) name.resize(name.size() - 5);
  const std::string base = name;
  for (int n = 2;; ++n) {
    bool taken = false;
    for (const BenchedModel& m : earlier) taken = taken || m.file->name == name;
    if (!taken) return name;
    name = base + "#" + std::to_string(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv, print_help);
  Options options;
  std::string error;
  if (!parse_options(argc, argv, &options, &error)) {
    std::fprintf(stderr, "softedge-bench: %s\n", error.c_str());
    print_usage(stderr);
    return 2;
  }

  std::vector<std::string> runnable;
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& set = softedge::kernel_at(k);
    if (softedge::kernel_runnable(set)) runnable.push_back(set.name);
  }
  const std::string default_kernel = softedge::active_kernels().name;
  std::vector<std::string> kernels = runnable;
  if (!options.kernel.empty()) {
    const softedge::Status status = softedge::force_kernel(options.kernel.c_str());
    softedge::force_kernel("auto");
    if (status == softedge::Status::kUnknownKernel) {
      std::fprintf(stderr, "softedge-bench: --kernel %s: no such kernel set (runnable here: %s)\n",
                   options.kernel.c_str(), join(runnable).c_str());
      return 2;
    }
    if (status != softedge::Status::kOk) {
      return fail("kernel set " + options.kernel + " cannot run on this CPU (runnable here: " +
                  join(runnable) + ")");
    }
    kernels = {options.kernel};
  }

  std::vector<BenchedModel> models;
  for (const std::string& path : options.model_paths) {
    BenchedModel m;
    m.file = std::make_unique<ModelFile>();
    if (!read_model_file(path, m.file.get(), &error)) return fail(error);
    m.file->name = label_for(path, models);
    models.push_back(std::move(m));
  }

  InputImages images;
  if (!options.images_path.empty()) {
    if (!read_idx_images(options.images_path, options.max_images, &images, &error)) return fail(error);
  } else {
    images = pseudo_random_images(models.front().file->model.input_size, 256);
  }
  for (const BenchedModel& m : models) {
    if (m.file->model.input_size != images.image_bytes) {
      return fail(m.file->path + ": takes " + std::to_string(m.file->model.input_size) +
                  "-pixel images, " + (options.images_path.empty() ? m.file->path : options.images_path) +
                  " has " + std::to_string(images.image_bytes) + "-pixel ones");
    }
  }

  for (BenchedModel& m : models) m.memory = measure_memory(*m.file, images, kernels);
  const TimerInfo timer = describe_timer();
  CacheEvictor evictor(options.evict_bytes);
  const std::string cold_kernel = options.kernel.empty() ? default_kernel : options.kernel;

  // Everything a reader of the JSON needs to interpret the numbers (the "context" object).
  benchmark::AddCustomContext("softedge_version", SOFTEDGE_VERSION_STRING);
  benchmark::AddCustomContext("kernels_runnable", join(runnable));
  benchmark::AddCustomContext("kernel_default", default_kernel);
  benchmark::AddCustomContext("kernels_benchmarked", join(kernels));
  benchmark::AddCustomContext("images", images.description);
  benchmark::AddCustomContext(
      "timer", timer.name + ": resolution " + std::to_string(static_cast<long>(timer.resolution_ns)) +
                   " ns (clock_getres), smallest step seen " +
                   std::to_string(static_cast<long>(timer.step_ns)) + " ns, one reading ~" +
                   std::to_string(static_cast<long>(timer.read_cost_ns)) +
                   " ns (included in every sample)");
  benchmark::AddCustomContext("counters",
                              "p50, p90, p99, max: distribution of the single calls (batch:1 is one "
                              "infer_u8, batch:N one infer_batch_u8 of N images), in seconds");
  benchmark::AddCustomContext(
      "cold_start", "softedge::load (all checks, CRC) + scratch_bytes + first infer_u8, after "
                    "reading " + std::to_string(options.evict_bytes / 1024) +
                    " KiB to evict the caches");
  benchmark::AddCustomContext("stack_bytes",
                              "deepest stack of infer_u8 and infer_batch_u8 over the kernel sets, "
                              "measured by painting 64 KiB below the caller's frame");
  for (const BenchedModel& m : models) {
    benchmark::AddCustomContext(
        "model " + m.file->name,
        m.file->path + ", " + m.file->shape() + (m.file->is_int8() ? " int8" : " float32") + ", " +
            std::to_string(m.memory.model_bytes) + " bytes, scratch " +
            std::to_string(m.memory.scratch_bytes) + " bytes, stack " +
            std::to_string(m.memory.stack_bytes) + " bytes");
    register_model_benchmarks(*m.file, images, kernels, cold_kernel, options.batches, &evictor);
  }

  bench::RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const auto results = reporter.results();
  if (!results.empty()) print_summary(reporter.extra_output(), models, results);
  benchmark::Shutdown();
  return 0;
}
