// softedge/train/train_options.h — softedge-train's command line: the options and their parser.
#ifndef SOFTEDGE_TRAIN_TRAIN_OPTIONS_H
#define SOFTEDGE_TRAIN_TRAIN_OPTIONS_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "softedge/train/network_trainer.h"

namespace softedge {
namespace train {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Options {
  bool lesson = false;  // --preset d2l
  bool lenet = false;   // --preset d2l-lenet
  bool cnn = false;     // --arch cnn
  std::optional<NetworkOptimizer> optimizer;  // --optimizer; none: default_optimizer()
  std::vector<uint32_t> hidden;
  // Values given on the command line (0 / negative: not given, use the path's default).
  uint32_t epochs = 0;
  uint32_t batch_size = 0;
  float lr = 0.0f;
  uint32_t threads = 0;
  int64_t validation = -1;
  uint64_t seed = 0;
  std::string out = "model.sedg";
  std::string int8_out;  // empty: no int8 model
  std::string plot;      // empty: no chart
  std::string data;
  bool json = false;
};

// Reads argv into *options; prints --help / --version / usage errors itself. Returns -1 to
// go on, else the exit code.
int parse_options(int argc, char** argv, Options* options);

}  // namespace train
}  // namespace softedge

#endif
