// softedge/host/idx_reader.h — the IDX files of MNIST and Fashion-MNIST, gzip-compressed or raw.
#ifndef SOFTEDGE_HOST_IDX_READER_H
#define SOFTEDGE_HOST_IDX_READER_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace softedge {
namespace host {

// Any problem with a data file. what() names the file and what is wrong with it.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IdxImages {
  uint32_t count = 0;
  uint32_t rows = 0;
  uint32_t cols = 0;
  std::vector<uint8_t> pixels;  // count x rows x cols, row-major
};

struct IdxLabels {
  uint32_t count = 0;
  std::vector<uint8_t> labels;  // count values, each 0..9
};

// Parse bytes already in memory (decompressed). `name` is used in error messages.
// Images: magic 2051, 28x28 required. Labels: magic 2049, values 0..9 required.
IdxImages parse_idx_images(const uint8_t* data, size_t size, const std::string& name);
IdxLabels parse_idx_labels(const uint8_t* data, size_t size, const std::string& name);

// Read a file (gzip detected by its magic bytes, else raw) and parse it.
IdxImages read_idx_images(const std::string& path);
IdxLabels read_idx_labels(const std::string& path);

}  // namespace host
}  // namespace softedge

#endif
