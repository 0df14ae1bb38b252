// engine_registry.h — the engines of this build: softedge and the peers whose libraries were
// found at configuration (benchmarks/peers/CMakeLists.txt), one factory per engine file.
#ifndef SOFTEDGE_PEERS_ENGINE_REGISTRY_H
#define SOFTEDGE_PEERS_ENGINE_REGISTRY_H

#include <memory>
#include <string>
#include <vector>

#include "engine.h"
#include "loaded_model.h"

namespace peers {

struct Engines {
  std::vector<std::unique_ptr<Engine>> engines;  // softedge first, then softedge_lut if any
  std::vector<std::string> not_run;              // "eigen: float32 models only", ...
};

// Builds every engine for `model` (weights packed, buffers allocated). A peer that does not
// handle this kind of model is listed in not_run; a library error throws.
Engines make_engines(const LoadedModel& model);

// The names of the peers compiled in, e.g. {"onednn", "xnnpack", "eigen"}.
std::vector<std::string> peer_names();

// One factory per engine file. A peer returns null and sets *why_not for a model it does
// not handle (e.g. Eigen for int8 layers).
std::unique_ptr<Engine> make_softedge_engine(const LoadedModel& model);
std::unique_ptr<Engine> make_softedge_lut_engine(const LoadedModel& model);  // null: no table
std::unique_ptr<Engine> make_onednn_engine(const LoadedModel& model, std::string* why_not);
std::unique_ptr<Engine> make_xnnpack_engine(const LoadedModel& model, std::string* why_not);
std::unique_ptr<Engine> make_eigen_engine(const LoadedModel& model, std::string* why_not);

}  // namespace peers

#endif
