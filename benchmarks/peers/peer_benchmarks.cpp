#include "peer_benchmarks.h"

#include <benchmark/benchmark.h>

#include <string>

namespace peers {
namespace {

void single_image(benchmark::State& state, const LoadedModel* model, Engine* engine) {
  std::vector<float> probabilities(model->model.num_classes);
  const size_t count = model->image_count();
  size_t image = 0;
  for (auto _ : state) {
    const uint32_t top = engine->infer_one(image, probabilities.data());
    benchmark::DoNotOptimize(top);
    image = image + 1 == count ? 0 : image + 1;
  }
  state.SetItemsProcessed(state.iterations());
}

void all_images(benchmark::State& state, const LoadedModel* model, Engine* engine) {
  const size_t count = model->image_count();
  std::vector<float> probabilities(count * model->model.num_classes);
  std::vector<uint32_t> classes(count);
  for (auto _ : state) {
    engine->infer_all(probabilities.data(), classes.data());
    benchmark::DoNotOptimize(classes.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(count));
}

}  // namespace

std::vector<std::string> register_benchmarks(const std::vector<Contest>& contests) {
  std::vector<std::string> names;
  for (const Contest& contest : contests) {
    const LoadedModel* model = contest.model.get();
    const std::string batch = "/batch_" + std::to_string(model->image_count()) + "/";
    for (const auto& engine : contest.engines) {
      names.push_back(model->name + "/single_image/" + engine->name());
      benchmark::RegisterBenchmark(names.back().c_str(), single_image, model, engine.get());
    }
    for (const auto& engine : contest.engines) {
      names.push_back(model->name + batch + engine->name());
      benchmark::RegisterBenchmark(names.back().c_str(), all_images, model, engine.get())
          ->Unit(benchmark::kMicrosecond);
    }
  }
  return names;
}

}  // namespace peers
