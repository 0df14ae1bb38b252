// peer_benchmarks.h — the timed cases, one per model, case and engine:
//   MODEL/single_image/ENGINE   one test image per call, the next one each time (latency)
//   MODEL/batch_N/ENGINE        all N test images in one call (throughput)
// Registered with the engines of a case side by side; with random interleaving (peers_main)
// the repetitions of all of them are shuffled, so every ratio shares the machine's noise.
#ifndef SOFTEDGE_PEERS_PEER_BENCHMARKS_H
#define SOFTEDGE_PEERS_PEER_BENCHMARKS_H

#include <memory>
#include <string>
#include <vector>

#include "engine.h"
#include "loaded_model.h"

namespace peers {

struct Contest {
  std::unique_ptr<LoadedModel> model;  // the engines point into it
  std::vector<std::unique_ptr<Engine>> engines;
};

// The contests must outlive the benchmark run. Returns the names registered, in order.
std::vector<std::string> register_benchmarks(const std::vector<Contest>& contests);

}  // namespace peers

#endif
