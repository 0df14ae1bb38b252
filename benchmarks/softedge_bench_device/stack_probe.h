// stack_probe.h — the stack a call really uses, measured on the running CPU.
//
// How: a function paints kProbeBytes of its own frame with a pattern and returns; the call
// under test then runs in that same stack region (it starts from the same caller frame); the
// lowest byte no longer holding the pattern marks the deepest point it reached. The same
// measurement of an empty call is subtracted, so what is left is the callee's own use. A call
// that writes the pattern byte itself at its deepest point would be undercounted by those
// bytes; the static bound (ctest embedded/stack-bound) is the guarantee, this is the check.
#ifndef SOFTEDGE_BENCH_DEVICE_STACK_PROBE_H
#define SOFTEDGE_BENCH_DEVICE_STACK_PROBE_H

#include <cstddef>

namespace device_bench {

constexpr size_t kProbeBytes = 64 * 1024;

// Bytes of stack call(context) used; kProbeBytes or more means "at least that much".
size_t measure_stack_use(void (*call)(void*), void* context);

}  // namespace device_bench

#endif
