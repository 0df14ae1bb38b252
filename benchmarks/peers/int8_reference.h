// int8_reference.h — the logits of an int8 model in plain integers, as the runtime defines
// them (format.h): exact int32 sums, integer requantization to uint8 between layers, float
// scales at the end. XNNPACK's int8 operators write int8 logits, so their range must be known
// before the output can be quantized, as a converter calibrates it on sample data.
#ifndef SOFTEDGE_PEERS_INT8_REFERENCE_H
#define SOFTEDGE_PEERS_INT8_REFERENCE_H

#include "loaded_model.h"

namespace peers {

struct LogitRange {
  float lowest = 0;
  float highest = 0;
  float lowest_top = 0;  // the smallest top logit of an image
};

// True for the int8 models this reference (and XNNPACK's engine) handle: every layer int8,
// uint8 outputs between layers, float logits from the last.
bool all_int8(const softedge::Model& model);

// The smallest and largest logit over every test image of `model`, 0 included (all_int8
// must hold).
LogitRange int8_logit_range(const LoadedModel& model);

}  // namespace peers

#endif
