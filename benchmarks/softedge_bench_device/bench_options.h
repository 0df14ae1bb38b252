// bench_options.h — softedge-bench's own command line (Google Benchmark's --benchmark_* flags
// are taken out of argv by benchmark::Initialize before this sees it).
#ifndef SOFTEDGE_BENCH_DEVICE_BENCH_OPTIONS_H
#define SOFTEDGE_BENCH_DEVICE_BENCH_OPTIONS_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace device_bench {

struct Options {
  std::vector<std::string> model_paths;
  std::string kernel;                     // empty: every kernel set this CPU can run
  std::vector<uint32_t> batches{1, 256};  // 1: single-image infer_u8; more: infer_batch_u8
  std::string images_path;                // empty: pseudo-random images
  size_t max_images = 10000;
  size_t evict_bytes = size_t{64} << 20;  // streamed between cold-start samples
};

// False (with *error set) on bad usage.
bool parse_options(int argc, char** argv, Options* options, std::string* error);

void print_usage(std::FILE* out);

}  // namespace device_bench

#endif
