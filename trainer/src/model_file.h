// model_file.h — build a .sedg model file in memory and write files atomically (host side).
// The byte layout comes from runtime/include/softedge/format.h, the runtime's own definition.
#ifndef SOFTEDGE_TRAINER_MODEL_FILE_H
#define SOFTEDGE_TRAINER_MODEL_FILE_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/format.h"

namespace softedge {
namespace train {

struct FloatDenseLayer {
  uint32_t in_features = 0;
  uint32_t out_features = 0;
  format::Activation activation = format::Activation::kNone;
  std::vector<float> weights;  // out x in, row-major
  std::vector<float> bias;     // out
};

struct FloatModelSpec {
  uint16_t input_height = 28;
  uint16_t input_width = 28;
  uint16_t input_channels = 1;
  float input_scale = 1.0f / 255.0f;  // feature = pixel * scale + bias
  float input_bias = 0.0f;
  std::vector<std::string> class_names;
  std::vector<FloatDenseLayer> layers;
};

// The complete file, CRC included. Throws std::invalid_argument on an inconsistent spec.
std::vector<uint8_t> encode_model(const FloatModelSpec& spec);

// Any failure to read or write a file; what() names the file and the problem.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whole file into memory.
std::vector<uint8_t> read_file(const std::string& path);

// Writes to PATH.tmp-XXXXXX in the same directory, fsyncs, then renames over `path`: either
// the new file is complete at `path` or the old one is untouched.
void write_file_atomically(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace train
}  // namespace softedge

#endif
