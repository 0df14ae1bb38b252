// softedge_bench: Google Benchmark main plus a closing table of ratios against the scalar
// reference measured in the same run (the machine is shared; only same-run ratios mean much).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>

#include "bench_fixture.h"
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
    f->model_file = softedge::AlignedBytes(
        softedge::train::encode_model(softedge::train::make_model_spec(trained.params)));
    if (softedge::load(f->model_file.data(), f->model_file.size(), &f->model) != softedge::Status::kOk) {
      std::fprintf(stderr, "softedge_bench: the runtime rejected the benchmark model\n");
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
    std::printf("\nratio against the scalar reference in this run (higher is faster):\n");
    for (const auto& [name, time] : times) {
      const size_t slash = name.rfind('/');
      if (slash == std::string::npos) continue;
      const auto baseline = times.find(name.substr(0, slash) + "/scalar");
      if (baseline == times.end() || time <= 0) continue;
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
