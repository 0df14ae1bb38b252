#include "model_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "softedge/format.h"

namespace device_bench {

bool ModelFile::is_int8() const {
  return model.layer_count > 0 && model.layers[0].weight_type == softedge::format::DType::kInt8;
}

std::string ModelFile::shape() const {
  std::string text = std::to_string(model.input_size);
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    text += "-" + std::to_string(model.layers[l].out_features);
  }
  return text;
}

bool read_model_file(const std::string& path, ModelFile* out, std::string* error) {
  auto fail = [&](const std::string& problem) {
    *error = path + ": " + problem;
    return false;
  };
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return fail(std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return fail("not a regular file");
  if (static_cast<uint64_t>(info.st_size) > kMaxModelBytes) {
    return fail("too large for a model file (" + std::to_string(info.st_size) + " bytes, limit " +
                std::to_string(kMaxModelBytes) + ")");
  }
  const size_t size = static_cast<size_t>(info.st_size);
  if (size == 0) return fail("empty file, not a softedge model");

  // 64-byte aligned: the tools keep model bytes aligned so, and split cache-line loads would
  // otherwise be part of what is measured (docs/RUNTIME.md).
  const size_t capacity = (size + 63) / 64 * 64;
  out->bytes.reset(static_cast<uint8_t*>(std::aligned_alloc(64, capacity)));
  if (!out->bytes) return fail("out of memory");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return fail(std::strerror(errno));
  const size_t got = std::fread(out->bytes.get(), 1, size, file);
  const bool read_error = std::ferror(file) != 0;
  std::fclose(file);
  if (read_error || got != size) return fail("read failed");
  out->size = size;

  const softedge::Status status = softedge::load(out->bytes.get(), size, &out->model);
  if (status != softedge::Status::kOk) {
    return fail(std::string("not a usable softedge model: ") + softedge::status_message(status));
  }
  out->path = path;
  return true;
}

}  // namespace device_bench
