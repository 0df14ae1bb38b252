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

// Records each run's time per item and prints "x faster than <family>/scalar" at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      times_[run.benchmark_name()] = run.GetAdjustedRealTime();
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nratio against the scalar reference in this run (higher is faster):\n");
    for (const auto& [name, time] : times_) {
      const size_t slash = name.rfind('/');
      if (slash == std::string::npos) continue;
      const auto baseline = times_.find(name.substr(0, slash) + "/scalar");
      if (baseline == times_.end() || time <= 0) continue;
      std::printf("  %-40s %6.2fx\n", name.c_str(), baseline->second / time);
    }
  }

 private:
  std::map<std::string, double> times_;
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
