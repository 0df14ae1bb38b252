#include "softedge/host/version_banner.h"

#include "softedge/format.h"
#include "softedge/kernels.h"
#include "softedge/version.h"

namespace softedge {
namespace host {

std::string version_banner(const char* program) {
  // The loader reads every version up to kNewestVersion; the writer picks the lowest that
  // holds the model (v1 for float32 without a lookup table, v2 otherwise).
  const std::string oldest = std::to_string(format::kVersion1);
  const std::string newest = std::to_string(format::kNewestVersion);
  return std::string(program) + " " + SOFTEDGE_VERSION_STRING + "\n" +
         "model format: reads versions " + oldest + "-" + newest + ", writes versions " +
         oldest + "-" + newest + "\n" + "runtime kernel set here: " + active_kernels().name +
         "\n";
}

}  // namespace host
}  // namespace softedge
