#include "softedge/host/kernel_override.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "softedge/kernels.h"

namespace softedge {
namespace host {

void apply_kernel_override() {
  const char* name = std::getenv("SOFTEDGE_KERNEL");
  if (name == nullptr || name[0] == '\0') return;
  const Status status = force_kernel(name);
  if (status == Status::kOk) return;
  std::string known;
  for (size_t k = 0; k < kernel_count(); ++k) known += std::string(k ? ", " : "") + kernel_at(k).name;
  throw std::runtime_error(std::string("SOFTEDGE_KERNEL=") + name + ": " + status_message(status) +
                           " (this build has: " + known + ", or auto)");
}

}  // namespace host
}  // namespace softedge
