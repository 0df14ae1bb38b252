// engine.h — what softedge_peers_bench times: one inference engine running one model on the
// test images, from its prepared input to probabilities (softmax included).
#ifndef SOFTEDGE_PEERS_ENGINE_H
#define SOFTEDGE_PEERS_ENGINE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace peers {

class Engine {
 public:
  virtual ~Engine() = default;

  // "softedge", "onednn", "xnnpack", "eigen": the last part of every benchmark name.
  virtual const char* name() const = 0;

  // What actually runs (softedge's kernel set, oneDNN's implementation, ...): printed before
  // timing and shown as the benchmark's label.
  virtual std::string implementation() const = 0;

  // Test image `index` alone (latency): writes its num_classes probabilities and returns its
  // top class. Everything it needs is set up beforehand; nothing allocates.
  virtual uint32_t infer_one(size_t index, float* probabilities) = 0;

  // Every test image in one call (throughput): count x num_classes probabilities and count
  // top classes.
  virtual void infer_all(float* probabilities, uint32_t* top_classes) = 0;
};

}  // namespace peers

#endif
