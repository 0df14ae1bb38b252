// model_benchmarks.h — the Google Benchmark cases for one model, named MODEL/CASE/KERNEL:
//   MODEL/batch:1/KERNEL      infer_u8 on one image per call: single-image latency
//   MODEL/batch:N/KERNEL      infer_batch_u8 on N images per call (items/s: images/s)
//   MODEL/cold_start/KERNEL   load + validate + first inference, caches evicted before each
// Every call is timed on its own (manual time: the time column is the mean of those samples)
// and every case reports the distribution as counters p50, p90, p99, max, in seconds (the
// console shows n/u/m: ns/µs/ms). Memory goes to the context and the summary table.
#ifndef SOFTEDGE_BENCH_DEVICE_MODEL_BENCHMARKS_H
#define SOFTEDGE_BENCH_DEVICE_MODEL_BENCHMARKS_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cache_evictor.h"
#include "input_images.h"
#include "model_file.h"

namespace device_bench {

struct ModelMemory {
  size_t model_bytes = 0;    // the file, used in place (no copy)
  size_t scratch_bytes = 0;  // softedge::scratch_bytes()
  size_t stack_bytes = 0;    // worst measured stack of one inference over the kernel sets
};

// Measures scratch and stack for every kernel set in `kernels` (each must be runnable).
ModelMemory measure_memory(const ModelFile& model, const InputImages& images,
                           const std::vector<std::string>& kernels);

// Registers the cases above; the objects passed must outlive benchmark::RunSpecifiedBenchmarks.
// The cold-start case runs on `cold_start_kernel` (the set the runtime picks by itself unless
// --kernel forces one).
void register_model_benchmarks(const ModelFile& model, const InputImages& images,
                               const std::vector<std::string>& kernels,
                               const std::string& cold_start_kernel,
                               const std::vector<uint32_t>& batches, CacheEvictor* evictor);

}  // namespace device_bench

#endif
