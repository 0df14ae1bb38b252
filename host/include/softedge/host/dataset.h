// softedge/host/dataset.h — find and load Fashion-MNIST (train and test splits).
#ifndef SOFTEDGE_HOST_DATASET_H
#define SOFTEDGE_HOST_DATASET_H

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/host/idx_reader.h"

namespace softedge {
namespace host {

constexpr uint32_t kImageRows = 28;
constexpr uint32_t kImageCols = 28;
constexpr uint32_t kImagePixels = kImageRows * kImageCols;
constexpr uint32_t kNumClasses = 10;

// Fashion-MNIST's class names, index = label.
extern const char* const kFashionMnistClassNames[kNumClasses];

struct Split {
  uint32_t count = 0;
  std::vector<uint8_t> pixels;  // count x 784
  std::vector<uint8_t> labels;  // count
};

struct Dataset {
  std::string directory;  // where the files were found
  Split train;
  Split test;
};

// The data directory, in this order: `cli_dir` (from --data, if not empty), $SOFTEDGE_DATA,
// ./data/FashionMNIST/raw, ./data, /usr/share/datasets/fashion-mnist. A directory counts when
// it holds the four files (each as NAME or NAME.gz). Throws DataError listing every place it
// looked and how to get the data when none does; an explicit --data or $SOFTEDGE_DATA that
// lacks the files is an error naming that directory (no silent fallback).
std::string find_data_dir(const std::string& cli_dir);

// The same search with the fallback places (after --data and $SOFTEDGE_DATA) given explicitly,
// so tests can exercise the not-found path on a machine that has the data installed.
std::string find_data_dir(const std::string& cli_dir, const std::vector<std::string>& fallbacks);

// The same for commands that read only the test split (t10k): the train-* files need not be
// there.
std::string find_test_data_dir(const std::string& cli_dir);
std::string find_test_data_dir(const std::string& cli_dir,
                               const std::vector<std::string>& fallbacks);

// The fallback places find_data_dir(cli_dir) searches, in order.
std::vector<std::string> default_data_dirs();

// One split: prefix "train" or "t10k". Checks images and labels agree in count.
Split load_split(const std::string& directory, const std::string& prefix);

// Both splits from find_data_dir(cli_dir).
Dataset load_fashion_mnist(const std::string& cli_dir);

}  // namespace host
}  // namespace softedge

#endif
