// Which kernel set runs: the fastest one in the table (kernel_sets.h) whose required CPU
// features (KernelSet::required_features, from the table) this CPU and OS have
// (cpu_features()), chosen at first use; tests and benchmarks can force any runnable set by
// name.
#include <string.h>

#include "cpu_features.h"
#include "softedge/kernels.h"

namespace softedge {
namespace detail {
#define SOFTEDGE_KERNEL_SET(variable, features) extern const KernelSet variable;
#include "kernel_sets.h"
#undef SOFTEDGE_KERNEL_SET
}  // namespace detail

namespace {

const KernelSet* const kAllKernels[] = {
#define SOFTEDGE_KERNEL_SET(variable, features) &detail::variable,
#include "kernel_sets.h"
#undef SOFTEDGE_KERNEL_SET
};
constexpr size_t kKernelCount = sizeof kAllKernels / sizeof kAllKernels[0];

// The active set. A plain pointer read and written with the compiler's atomic builtins (no
// <atomic>: bare-metal toolchains may have no C++ library), lock-free on every target here.
const KernelSet* g_active = nullptr;

void set_active(const KernelSet* kernels) {
  __atomic_store_n(&g_active, kernels, __ATOMIC_RELEASE);
}

}  // namespace

uint32_t cpu_features() { return detail::detect_cpu_features(); }

bool kernel_runnable(const KernelSet& kernels) {
  return (kernels.required_features & ~cpu_features()) == 0;
}

namespace {

// The first call's choice, out of line: active_kernels() stays a leaf (no frame), as every
// inference calls it. Size-first builds let it inline (smaller code).
#if !defined(SOFTEDGE_SIZE_FIRST)
__attribute__((noinline))
#endif
const KernelSet& choose_kernels() {
  const KernelSet* chosen = &best_kernels(cpu_features());
  set_active(chosen);
  return *chosen;
}

}  // namespace

const KernelSet& active_kernels() {
  const KernelSet* active = __atomic_load_n(&g_active, __ATOMIC_ACQUIRE);
  return active != nullptr ? *active : choose_kernels();
}

size_t kernel_count() { return kKernelCount; }

const KernelSet& kernel_at(size_t index) {
  return *kAllKernels[index < kKernelCount ? index : 0];
}

Status force_kernel(const char* name) {
  if (name == nullptr) return Status::kNullArgument;
  if (strcmp(name, "auto") == 0) {
    set_active(&best_kernels(cpu_features()));
    return Status::kOk;
  }
  for (size_t i = 0; i < kKernelCount; ++i) {
    if (strcmp(kAllKernels[i]->name, name) != 0) continue;
    if (!kernel_runnable(*kAllKernels[i])) return Status::kKernelUnavailable;
    set_active(kAllKernels[i]);
    return Status::kOk;
  }
  return Status::kUnknownKernel;
}

}  // namespace softedge
