// kernel_report: prints the kernel set the runtime picks on this CPU and every set it can run.
// The dispatch tests run it under qemu-x86_64 with older CPU models and check the choice.
#include <cstdio>

#include "softedge/kernels.h"

int main() {
  std::printf("active kernel: %s\nrunnable:", softedge::active_kernels().name);
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    if (softedge::kernel_runnable(softedge::kernel_at(k))) std::printf(" %s", softedge::kernel_at(k).name);
  }
  std::printf("\n");
  return 0;
}
