// softedge/host/version_banner.h — what `--version` prints, the same for softedge and softedge-train.
#ifndef SOFTEDGE_HOST_VERSION_BANNER_H
#define SOFTEDGE_HOST_VERSION_BANNER_H

#include <string>

namespace softedge {
namespace host {

// "PROGRAM VERSION", then the model format versions the program reads and writes and the
// runtime kernel set it would use here; newline-terminated lines.
std::string version_banner(const char* program);

}  // namespace host
}  // namespace softedge

#endif  // SOFTEDGE_TRAINER_VERSION_BANNER_H
