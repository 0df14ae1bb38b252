// model_file.h — a model file read into a 64-byte aligned buffer and validated by the runtime.
#ifndef SOFTEDGE_BENCH_DEVICE_MODEL_FILE_H
#define SOFTEDGE_BENCH_DEVICE_MODEL_FILE_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "softedge/model.h"

namespace device_bench {

// Larger files are refused before anything is read (the largest useful model, a 784-256-10
// float network, is 0.8 MB).
constexpr size_t kMaxModelBytes = 64u << 20;

struct ModelFile {
  std::string path;
  std::string name;  // the label in benchmark names: the file name without .sedg
  std::unique_ptr<uint8_t[], decltype(&std::free)> bytes{nullptr, &std::free};
  size_t size = 0;
  softedge::Model model{};

  bool is_int8() const;
  std::string shape() const;  // "784-256-10"
};

// Reads and validates `path`. On failure returns false and sets *error to "PATH: problem".
bool read_model_file(const std::string& path, ModelFile* out, std::string* error);

}  // namespace device_bench

#endif
