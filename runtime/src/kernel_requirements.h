// kernel_requirements.h — the CPU features each compiled kernel set needs, read from the table
// (kernel_sets.h): a constant named like the set, and kAnyCompiledSet, every feature some
// compiled set needs (all cpu_features() has to find out).
#ifndef SOFTEDGE_RUNTIME_KERNEL_REQUIREMENTS_H
#define SOFTEDGE_RUNTIME_KERNEL_REQUIREMENTS_H

#include <stdint.h>

#include "softedge/kernels.h"

namespace softedge {
namespace detail {
namespace required_features {

#define SOFTEDGE_KERNEL_SET(variable, features) constexpr uint32_t variable = (features);
#include "kernel_sets.h"
#undef SOFTEDGE_KERNEL_SET

constexpr uint32_t kAnyCompiledSet = 0
#define SOFTEDGE_KERNEL_SET(variable, features) | (features)
#include "kernel_sets.h"
#undef SOFTEDGE_KERNEL_SET
    ;

}  // namespace required_features
}  // namespace detail
}  // namespace softedge

#endif
