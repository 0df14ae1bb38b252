// softedge_bench: Google Benchmark main plus a closing table of ratios against the scalar
// reference measured in the same run (the machine is shared; only same-run ratios mean much).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>

#include "bench_fixture.h"
#include "quantize.h"
#include "training.h"

namespace bench {

const Fixture& fixture() {
  static const Fixture* loaded = [] {
    auto* f = new Fixture;
    try {
      f->data = softedge::train::load_fashion_mnist("");
    } catch (const std::exception& error) {
      std::fprintf(stderr, "softedge_bench: %s\n", error.what());
      std::exit(1);
    }
    softedge::train::TrainConfig config;
    config.epochs = 1;
    const auto trained = softedge::train::train_softmax_regression(f->data.train, nullptr, config, nullptr);
    const softedge::ModelSpec spec = softedge::train::make_model_spec(trained.params);
    f->model_file = softedge::AlignedBytes(softedge::encode_model(spec));
    f->int8_file = softedge::AlignedBytes(
        softedge::encode_model(softedge::train::quantize_int8(spec, &f->data.train)));
    if (softedge::load(f->model_file.data(), f->model_file.size(), &f->model) != softedge::Status::kOk ||
        softedge::load(f->int8_file.data(), f->int8_file.size(), &f->int8_model) != softedge::Status::kOk) {
      std::fprintf(stderr, "softedge_bench: the runtime rejected a benchmark model\n");
      std::exit(1);
    }
    return f;
  }();
  return *loaded;
}

}  // namespace bench

namespace {

// Records each benchmark's time per iteration (the median when --benchmark_repetitions is
// used) and prints "x faster than <family>/scalar" at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const std::string name = run.run_name.str();
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        medians_[name] = run.GetAdjustedRealTime();
      } else if (run.run_type == Run::RT_Iteration) {
        singles_[name] = run.GetAdjustedRealTime();
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    const std::map<std::string, double>& times = medians_.empty() ? singles_ : medians_;
    print_ratios(times, "ratio against the scalar reference in this run (higher is faster)",
                 [](const std::string& family, const std::string&) { return family + "/scalar"; });
    print_ratios(times, "int8 against float32 on the same kernel set (higher: int8 faster)",
                 [](const std::string& family, const std::string& kernel) {
                   return family.rfind("i8_", 0) == 0 ? "f32_" + family.substr(3) + "/" + kernel : "";
                 });
  }

  // For every "family/kernel" time, the ratio baseline / time where baseline_of names the
  // baseline run ("" for none).
  template <class BaselineOf>
  static void print_ratios(const std::map<std::string, double>& times, const char* title,
                           BaselineOf baseline_of) {
    std::printf("\n%s:\n", title);
    for (const auto& [name, time] : times) {
      const size_t slash = name.rfind('/');
      if (slash == std::string::npos || time <= 0) continue;
      const auto baseline = times.find(baseline_of(name.substr(0, slash), name.substr(slash + 1)));
      if (baseline == times.end()) continue;
      std::printf("  %-40s %6.2fx\n", name.c_str(), baseline->second / time);
    }
  }

 private:
  std::map<std::string, double> singles_;
  std::map<std::string, double> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  bench::fixture();  // load and train before any timing
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
