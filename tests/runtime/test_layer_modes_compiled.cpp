// The layer modes of this build (SOFTEDGE_LAYER_MODES) and what follows from them: kernel set
// members exactly where a compiled mode calls them, and a note when the tests that need every
// mode are skipped (layer_mode_skip.h; doctest leaves skipped cases out of ctest's list).
#include <doctest/doctest.h>

#include "layer_mode_skip.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

using softedge::format::LayerMode;

TEST_CASE("layer modes: the kernel sets carry exactly the kernels the compiled modes call") {
  const bool float32 = softedge::layer_mode_compiled(LayerMode::kFloat32);
  const bool int8 = softedge::layer_mode_compiled(LayerMode::kInt8FloatOutput) ||
                    softedge::layer_mode_compiled(LayerMode::kInt8Uint8Output);
  if (!fixtures::every_layer_mode_compiled()) {
    MESSAGE("this build leaves out layer modes (float32 " << float32 << ", int8 " << int8
            << "): the tests that build models of every mode are skipped; "
               "embedded/layer-modes checks loading and refusal");
  }
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& kernels = softedge::kernel_at(k);
    INFO("kernel set " << kernels.name);
    CHECK((kernels.dense_f32 != nullptr) == float32);
    CHECK((kernels.pixels_to_f32 != nullptr) == float32);
    CHECK((kernels.dense_u8_f32 == nullptr || float32));
    CHECK((kernels.dense_u8s8_i32 != nullptr) == int8);
    CHECK((kernels.softmax_f32 != nullptr));
  }
}
