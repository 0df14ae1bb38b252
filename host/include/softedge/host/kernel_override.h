// softedge/host/kernel_override.h — SOFTEDGE_KERNEL=<name> makes the host programs use one kernel set
// (scalar, sse2, avx2, avx512, avx512vnni, ...), e.g. to compare them on the real data.
#ifndef SOFTEDGE_HOST_KERNEL_OVERRIDE_H
#define SOFTEDGE_HOST_KERNEL_OVERRIDE_H

namespace softedge {
namespace host {

// Applies $SOFTEDGE_KERNEL if set (empty or "auto": the runtime's own choice). Throws
// std::runtime_error naming the variable, the value and what is wrong with it.
void apply_kernel_override();

}  // namespace host
}  // namespace softedge

#endif
