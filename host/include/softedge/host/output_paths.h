// softedge/host/output_paths.h — output-path safety shared by softedge-train and the softedge tool: before
// any work starts, every output must be writable and must not be an input or another output.
#ifndef SOFTEDGE_HOST_OUTPUT_PATHS_H
#define SOFTEDGE_HOST_OUTPUT_PATHS_H

#include <string>
#include <vector>

namespace softedge {
namespace host {

// "-" as an output means standard output.
inline bool is_standard_output(const std::string& path) { return path == "-"; }

// Where writing `path` really lands: a symbolic link to a regular file is followed to its
// target (so the link stays a link); any other path (a link to a device or pipe included) is
// returned as it is. Throws FileError for a dangling link.
std::string output_target(const std::string& path);

// Throws FileError naming the output unless every output in `outputs` (empty entries are
// skipped) can be written: its directory exists and is writable, it is not a directory or
// another kind of file a model cannot be written to (character devices and FIFOs are written
// directly), and it is not the same file as any of `inputs` or as another output. Files are
// compared by device and inode after following links; one not yet created, by its resolved
// directory and name. Call it before reading data or training: a wrong path is found at once.
void check_output_paths(const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs);

}  // namespace host
}  // namespace softedge

#endif
