// Which peers exist is decided by CMake: each peer library found defines its SOFTEDGE_PEER_*
// macro for this file, so a build without a library never references its factory.
#include "engine_registry.h"

namespace peers {
namespace {

using Factory = std::unique_ptr<Engine> (*)(const LoadedModel&, std::string*);

struct Peer {
  const char* name;
  Factory make;
};

constexpr Peer kPeers[] = {
#if SOFTEDGE_PEER_ONEDNN
    {"onednn", make_onednn_engine},
#endif
#if SOFTEDGE_PEER_XNNPACK
    {"xnnpack", make_xnnpack_engine},
#endif
#if SOFTEDGE_PEER_EIGEN
    {"eigen", make_eigen_engine},
#endif
    {nullptr, nullptr},  // keeps the array non-empty
};

}  // namespace

std::vector<std::string> peer_names() {
  std::vector<std::string> names;
  for (const Peer& peer : kPeers) {
    if (peer.name != nullptr) names.emplace_back(peer.name);
  }
  return names;
}

Engines make_engines(const LoadedModel& model) {
  Engines result;
  result.engines.push_back(make_softedge_engine(model));
  if (std::unique_ptr<Engine> with_table = make_softedge_lut_engine(model)) {
    result.engines.push_back(std::move(with_table));
  }
  for (const Peer& peer : kPeers) {
    if (peer.name == nullptr) continue;
    std::string why_not;
    std::unique_ptr<Engine> engine = peer.make(model, &why_not);
    if (engine) {
      result.engines.push_back(std::move(engine));
    } else {
      result.not_run.push_back(std::string(peer.name) + ": " + why_not);
    }
  }
  return result;
}

}  // namespace peers
