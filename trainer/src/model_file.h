// model_file.h — read whole files and write them atomically (host side).
#ifndef SOFTEDGE_TRAINER_MODEL_FILE_H
#define SOFTEDGE_TRAINER_MODEL_FILE_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/model_writer.h"

namespace softedge {
namespace train {

// The model encoder lives beside the runtime (tests of runtime-only builds use it too).
using softedge::encode_model;
using softedge::DenseLayerSpec;
using softedge::ModelSpec;

// Any failure to read or write a file; what() names the file and the problem.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whole file into memory.
std::vector<uint8_t> read_file(const std::string& path);

// Writes to PATH.tmp-XXXXXX in the same directory, fsyncs, then renames over `path`: either
// the new file is complete at `path` or the old one is untouched. A symbolic link is followed
// (its target is replaced, the link stays); "-" (standard output), character devices and
// FIFOs are written directly; any other non-regular file is refused.
void write_file_atomically(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace train
}  // namespace softedge

#endif
