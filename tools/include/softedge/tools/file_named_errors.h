// softedge/tools/file_named_errors.h — errors from library code that does not know which file it is working
// on ("inference failed: ...", "output 0: its bias is too large ...") get the file's name in
// front, so every message a user sees names the file (docs/HOSTILE-INPUT.md).
#ifndef SOFTEDGE_TOOLS_FILE_NAMED_ERRORS_H
#define SOFTEDGE_TOOLS_FILE_NAMED_ERRORS_H

#include <stdexcept>
#include <string>

namespace softedge {
namespace tools {

// work(), with any std::exception it throws turned into std::runtime_error("PATH: what").
template <class Work>
auto naming_file(const std::string& path, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const std::exception& error) {
    const std::string message = error.what();
    if (message.rfind(path + ": ", 0) == 0) throw;  // already named
    throw std::runtime_error(path + ": " + message);
  }
}

}  // namespace tools
}  // namespace softedge

#endif
