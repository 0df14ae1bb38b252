// summary_table.h — what softedge-bench prints after Google Benchmark's own output: memory,
// the latency distribution and cold start in µs, and the same-run ratios.
#ifndef SOFTEDGE_BENCH_DEVICE_SUMMARY_TABLE_H
#define SOFTEDGE_BENCH_DEVICE_SUMMARY_TABLE_H

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model_benchmarks.h"
#include "model_file.h"
#include "ratio_table.h"

namespace device_bench {

struct BenchedModel {
  std::unique_ptr<ModelFile> file;
  ModelMemory memory;
};

void print_summary(std::FILE* out, const std::vector<BenchedModel>& models,
                   const bench::Results& results);

}  // namespace device_bench

#endif
