#include "summary_table.h"

#include "ratio_table.h"

namespace device_bench {
namespace {

// "MODEL/CASE/KERNEL" split at its first and last slash (model names have no slash).
struct CaseName {
  std::string model, kind, kernel;
  bool valid = false;
};
CaseName split(const std::string& name) {
  CaseName parts;
  const size_t first = name.find('/');
  const size_t last = name.rfind('/');
  if (first == std::string::npos || first == last) return parts;
  parts.model = name.substr(0, first);
  parts.kind = name.substr(first + 1, last - first - 1);
  parts.kernel = name.substr(last + 1);
  parts.valid = true;
  return parts;
}

bool is_throughput_case(const CaseName& parts) { return parts.kind.rfind("batch:", 0) == 0; }

double counter(const bench::RecordedRun& run, const char* name) {
  const auto found = run.counters.find(name);
  return found == run.counters.end() ? 0 : found->second;
}

void print_memory(std::FILE* out, const std::vector<BenchedModel>& models) {
  std::fprintf(out, "\nmemory per model (bytes; stack: deepest measured inference, painted stack):\n");
  std::fprintf(out, "  %-24s %-12s %-8s %10s %10s %8s\n", "model", "shape", "type", "model",
               "scratch", "stack");
  for (const BenchedModel& m : models) {
    std::fprintf(out, "  %-24s %-12s %-8s %10zu %10zu %8zu\n", m.file->name.c_str(),
                 m.file->shape().c_str(), m.file->is_int8() ? "int8" : "float32",
                 m.memory.model_bytes, m.memory.scratch_bytes, m.memory.stack_bytes);
  }
}

void print_distribution(std::FILE* out, const bench::Results& results) {
  bool header = false;
  for (const auto& [name, run] : results) {
    if (!split(name).valid || run.counters.count("p50") == 0) continue;
    if (!header) {
      std::fprintf(out, "\ntime per call (µs): batch:1 = single-image latency, cold_start = load + "
                        "validate + first inference\n");
      std::fprintf(out, "  %-36s %10s %10s %10s %10s %10s\n", "case", "mean", "p50", "p90", "p99",
                   "max");
      header = true;
    }
    std::fprintf(out, "  %-36s %10.3f %10.3f %10.3f %10.3f %10.3f\n", name.c_str(),
                 run.seconds_per_iteration * 1e6, counter(run, "p50") * 1e6,
                 counter(run, "p90") * 1e6, counter(run, "p99") * 1e6, counter(run, "max") * 1e6);
  }
}

}  // namespace

void print_summary(std::FILE* out, const std::vector<BenchedModel>& models,
                   const bench::Results& results) {
  print_memory(out, models);
  print_distribution(out, results);

  // Same-run ratios of the per-call medians (p50) of the batch:N cases; higher is faster.
  const bench::Statistic p50 = [](const bench::RecordedRun& run) { return counter(run, "p50"); };
  bench::print_ratios(out, results, "kernel set against scalar, same model and batch (p50; higher: faster)",
                      [](const std::string& name) {
                        const CaseName parts = split(name);
                        if (!parts.valid || !is_throughput_case(parts)) return std::string();
                        return parts.model + "/" + parts.kind + "/scalar";
                      }, p50);
  // int8 against the float model of the same shape (the first one given).
  std::map<std::string, std::string> float_of;
  for (const BenchedModel& m : models) {
    if (!m.file->is_int8()) continue;
    for (const BenchedModel& f : models) {
      if (!f.file->is_int8() && f.file->shape() == m.file->shape()) {
        float_of[m.file->name] = f.file->name;
        break;
      }
    }
  }
  bench::print_ratios(out, results, "int8 against float32 of the same shape (p50; higher: int8 faster)",
                      [&](const std::string& name) {
                        const CaseName parts = split(name);
                        const auto found = float_of.find(parts.model);
                        if (!parts.valid || !is_throughput_case(parts) || found == float_of.end()) {
                          return std::string();
                        }
                        return found->second + "/" + parts.kind + "/" + parts.kernel;
                      }, p50);
  // Every model against the first one given (the int8 copy of the first is already above).
  const std::string first = models.front().file->name;
  bench::print_ratios(out, results,
                      ("each model against " + first + " (p50; higher: faster than " + first + ")").c_str(),
                      [&](const std::string& name) {
                        const CaseName parts = split(name);
                        const auto paired = float_of.find(parts.model);
                        if (!parts.valid || !is_throughput_case(parts) ||
                            (paired != float_of.end() && paired->second == first)) {
                          return std::string();
                        }
                        return first + "/" + parts.kind + "/" + parts.kernel;
                      }, p50);
}

}  // namespace device_bench
