// agreement_check.h — before any timing, every peer must give softedge's answers: a benchmark
// of a different computation is worthless.
#ifndef SOFTEDGE_PEERS_AGREEMENT_CHECK_H
#define SOFTEDGE_PEERS_AGREEMENT_CHECK_H

#include <cstdio>
#include <memory>
#include <vector>

#include "engine.h"
#include "loaded_model.h"

namespace peers {

// Share of test images whose top class must match softedge's: int8 peers round differently
// (XNNPACK even quantizes the logits to 8 bits), so ties can break the other way.
constexpr double kFloatAgreement = 0.999;
constexpr double kInt8Agreement = 0.99;

// Runs every engine over every test image, all at once (infer_all) and one at a time
// (infer_one), and compares top classes with engines[0] (softedge). Prints one line per
// engine to `out`; throws std::runtime_error naming the engines that fall short.
void check_agreement(const LoadedModel& model, const std::vector<std::unique_ptr<Engine>>& engines,
                     std::FILE* out);

}  // namespace peers

#endif
