// softedge/tools/loaded_model.h — a model file read from disk and validated by the runtime's own loader,
// so the tools see a model exactly as a device would.
#ifndef SOFTEDGE_TOOLS_LOADED_MODEL_H
#define SOFTEDGE_TOOLS_LOADED_MODEL_H

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/host/aligned_bytes.h"
#include "softedge/softedge.h"

namespace softedge {
namespace tools {

class LoadedModel {
 public:
  // Reads and loads `path`. Throws std::runtime_error naming the file and the problem,
  // e.g. "model.sedg: checksum mismatch: the file is corrupted".
  explicit LoadedModel(const std::string& path);

  // Model points into storage_, so a copy would dangle: not copyable or movable.
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;

  const std::string& path() const { return path_; }
  const Model& model() const { return model_; }
  // A copy of the model file's bytes (as read and validated).
  std::vector<uint8_t> file_bytes() const {
    return std::vector<uint8_t>(storage_.data(), storage_.data() + model_.file_size);
  }

  // The model's name for class `index`, or the index itself when the name is empty.
  std::string class_label(uint32_t index) const;

 private:
  std::string path_;
  host::AlignedBytes storage_;
  Model model_{};
};

// Throws unless the model takes Fashion-MNIST images (784 pixels) and has its 10 classes.
void require_fashion_mnist_model(const LoadedModel& loaded);

}  // namespace tools
}  // namespace softedge

#endif
