// loaded_model.cpp — see loaded_model.h.
#include "softedge/tools/loaded_model.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "softedge/host/bounded_file.h"
#include "softedge/host/dataset.h"
#include "softedge/host/file_io.h"
#include "softedge/tools/class_names.h"

namespace softedge {
namespace tools {

namespace {

// For a corrupted file, the two CRCs tell a person that bytes changed (rather than, say,
// a tool writing the field wrongly). The CRC covers the header's file size with the crc
// field counted as zeros (format.h); load() has already checked the file is that long.
std::string crc_details(const uint8_t* data, size_t size) {
  size_t covered = format::read_u32(data + format::header::kFileSize);
  if (covered > size || covered < format::kHeaderSize) covered = size;
  const uint32_t crc = model_file_crc(data, covered);
  char text[96];
  std::snprintf(text, sizeof text, " (header says CRC-32 0x%08x, contents give 0x%08x)",
                static_cast<unsigned>(format::read_u32(data + format::header::kCrc32)),
                static_cast<unsigned>(crc));
  return text;
}

// The format's file_size field is 32 bits; a 1 GiB model is already far past any device.
constexpr size_t kMaxModelFileBytes = size_t{1} << 30;

}  // namespace

LoadedModel::LoadedModel(const std::string& path) : path_(path) {
  storage_ =
      host::AlignedBytes(host::read_file_at_most(path, kMaxModelFileBytes));  // names the file
  const uint8_t* data = storage_.data();

  Status status = load(data, storage_.size(), &model_);
  if (status != Status::kOk) {
    std::string message = path + ": " + status_message(status);
    if (status == Status::kChecksumMismatch) message += crc_details(data, storage_.size());
    const bool onnx_name = path.size() > 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
    if (status == Status::kBadMagic && onnx_name) {
      message += " (an ONNX model? convert it with 'softedge import " + path + " OUT.sedg')";
    }
    throw std::runtime_error(message);
  }
  for (uint32_t c = 0; c < model_.num_classes; ++c) {
    const std::string problem = class_name_problem(class_name(model_, c));
    if (!problem.empty()) {
      throw std::runtime_error(path + ": the name of class " + std::to_string(c) + " " + problem);
    }
  }
}

std::string LoadedModel::class_label(uint32_t index) const {
  const char* name = class_name(model_, index);
  return name[0] != '\0' ? name : std::to_string(index);
}

void require_fashion_mnist_model(const LoadedModel& loaded) {
  const Model& m = loaded.model();
  if (m.input_size != host::kImagePixels) {
    throw std::runtime_error(
        loaded.path() + ": the model takes " + std::to_string(m.input_size) + " input values (" +
        std::to_string(m.input_height) + "x" + std::to_string(m.input_width) + "x" +
        std::to_string(m.input_channels) + "), but Fashion-MNIST images have " +
        std::to_string(host::kImagePixels) + " (28x28)");
  }
  if (m.num_classes != host::kNumClasses) {
    throw std::runtime_error(loaded.path() + ": the model has " + std::to_string(m.num_classes) +
                             " classes, but Fashion-MNIST has " +
                             std::to_string(host::kNumClasses) + " labels");
  }
}

}  // namespace tools
}  // namespace softedge
