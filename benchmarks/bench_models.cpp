// The models softedge_bench measures, trained at start-up on the real training images (one
// epoch each: inference time does not depend on how well trained a model is, only its shape).
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "bench_fixture.h"
#include "softedge/host/quantize.h"
#include "softedge/train/input_transform.h"
#include "softedge/train/model_spec.h"
#include "softedge/train/network_trainer.h"
#include "softedge/train/training.h"

namespace host = softedge::host;

namespace bench {
namespace {

using host::ModelSpec;

host::ModelSpec softmax_regression_spec(const host::Split& train) {
  softedge::train::TrainConfig config;
  config.epochs = 1;
  const auto trained = softedge::train::train_softmax_regression(train, nullptr, config, nullptr);
  return softedge::train::make_model_spec({trained.params});
}

// 784-256-10 with ReLU, the first layer folded onto the pixel curve's values. The same
// conversion as softedge-train's (trainer/src/train_main.cpp), minus the lookup table.
host::ModelSpec mlp_spec(const host::Split& train) {
  using namespace softedge::train;
  NetworkConfig config = default_network_config({256});
  config.epochs = 1;
  config.validation_size = 0;
  const InputTransform transform = make_input_transform(train, Curve::kLinear);
  const NetworkResult result = train_network(train, nullptr, transform, config, {});
  return make_model_spec(fold_input_transform(result.layers, transform));
}

void add(Fixture* f, const char* name, const char* float_name, const host::ModelSpec& spec) {
  BenchModel& m = f->models.emplace_back();
  m.name = name;
  m.float_name = float_name;
  m.file = host::AlignedBytes(host::encode_model(spec));
  if (softedge::load(m.file.data(), m.file.size(), &m.model) != softedge::Status::kOk) {
    std::fprintf(stderr, "softedge_bench: the runtime rejected the %s benchmark model\n", name);
    std::exit(1);
  }
}

}  // namespace

const Fixture& fixture() {
  static const Fixture* loaded = [] {
    auto* f = new Fixture;
    try {
      f->data = host::load_fashion_mnist("");
      const host::ModelSpec d2l = softmax_regression_spec(f->data.train);
      const host::ModelSpec mlp = mlp_spec(f->data.train);
      f->models.reserve(4);
      add(f, kModelNames[0], "", d2l);
      add(f, kModelNames[1], kModelNames[0], host::quantize_int8(d2l, &f->data.train));
      add(f, kModelNames[2], "", mlp);
      add(f, kModelNames[3], kModelNames[2], host::quantize_int8(mlp, &f->data.train));
    } catch (const std::exception& error) {
      std::fprintf(stderr, "softedge_bench: %s\n", error.what());
      std::exit(1);
    }
    return f;
  }();
  return *loaded;
}

}  // namespace bench
