// softedge_bench: Google Benchmark's own main and reporter (every --benchmark_* flag works as
// documented), then same-run ratio tables: after the console table on stdout, or on stderr
// when stdout carries JSON or CSV. Only same-run ratios mean much on a shared machine.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_fixture.h"
#include "ratio_table.h"
#include "recording_reporter.h"

namespace {

// "MODEL/CASE/KERNEL" -> {MODEL, CASE, KERNEL}, or empties for other names (training_epoch).
struct CaseName {
  std::string model, kind, kernel;
};
CaseName split(const std::string& name) {
  const size_t first = name.find('/');
  const size_t last = name.rfind('/');
  if (first == std::string::npos || first == last) return {};
  return {name.substr(0, first), name.substr(first + 1, last - first - 1), name.substr(last + 1)};
}

void print_tables(std::FILE* out, const bench::Results& results) {
  bench::print_ratios(out, results, "ratio against the scalar reference in this run (higher is faster)",
                      [](const std::string& name) {
                        const CaseName c = split(name);
                        return c.model.empty() ? "" : c.model + "/" + c.kind + "/scalar";
                      });
  bench::print_ratios(out, results, "int8 against float32 on the same kernel set (higher: int8 faster)",
                      [](const std::string& name) {
                        const CaseName c = split(name);
                        for (const bench::BenchModel& m : bench::fixture().models) {
                          if (m.name == c.model && !m.float_name.empty()) {
                            return m.float_name + "/" + c.kind + "/" + c.kernel;
                          }
                        }
                        return std::string();
                      });
  bench::print_ratios(out, results,
                      "convolution methods against im2col with the same kernel (higher: faster)",
                      [](const std::string& name) {
                        const CaseName c = split(name);
                        if (c.model.rfind("conv-", 0) != 0 || c.kind == "im2col") {
                          return std::string();
                        }
                        return c.model + "/im2col/" + c.kernel;
                      });
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  bench::fixture();  // load and train before any timing
  bench::RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const bench::Results results = reporter.results();
  if (!results.empty()) print_tables(reporter.extra_output(), results);
  benchmark::Shutdown();
  return 0;
}
