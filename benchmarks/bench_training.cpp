// One epoch of the d2l settings (batch 256, lr 0.1) over the 60,000 training images.
#include <benchmark/benchmark.h>

#include "bench_fixture.h"
#include "softedge/train/training.h"

namespace {

void training_epoch(benchmark::State& state) {
  const bench::Fixture& f = bench::fixture();
  softedge::train::TrainConfig config;
  config.epochs = 1;
  for (auto _ : state) {
    auto result = softedge::train::train_softmax_regression(f.data.train, nullptr, config, nullptr);
    benchmark::DoNotOptimize(result.params.weights.data());
  }
  state.SetItemsProcessed(state.iterations() * f.data.train.count);
}
BENCHMARK(training_epoch)->Unit(benchmark::kMillisecond);

}  // namespace
