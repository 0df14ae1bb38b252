// layer_mode_skip.h — for runtime tests that build models of every layer mode: skipped (doctest
// reports them as skipped) in a build that leaves a mode out (SOFTEDGE_LAYER_MODES), where the
// model writer, which checks its bytes with this runtime's loader, refuses to encode them.
// embedded/layer-modes (tests/embedded/layer_modes_test.cpp) covers such builds, and the
// kernel tests skip only the kernels that are compiled out.
// Usage: decorate the test case with `* fixtures::needs_every_layer_mode()`.
#ifndef SOFTEDGE_TESTS_LAYER_MODE_SKIP_H
#define SOFTEDGE_TESTS_LAYER_MODE_SKIP_H

#include <doctest/doctest.h>

#include "softedge/model.h"

namespace fixtures {

inline bool every_layer_mode_compiled() {
  using softedge::format::LayerMode;
  return softedge::layer_mode_compiled(LayerMode::kFloat32) &&
         softedge::layer_mode_compiled(LayerMode::kInt8FloatOutput) &&
         softedge::layer_mode_compiled(LayerMode::kInt8Uint8Output);
}

inline doctest::skip needs_every_layer_mode() { return doctest::skip(!every_layer_mode_compiled()); }

}  // namespace fixtures

#endif
