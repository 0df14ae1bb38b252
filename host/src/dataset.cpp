// dataset.cpp — find the Fashion-MNIST directory and load its train and test splits.
#include "softedge/host/dataset.h"

#include <cstdlib>
#include <filesystem>
#include <future>
#include <system_error>
#include <utility>

namespace softedge {
namespace host {

const char* const kFashionMnistClassNames[kNumClasses] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

namespace {

namespace fs = std::filesystem;

// Both splits; the test split alone is the last two.
const char* const kFileNames[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

// The files a command needs.
struct Needed {
  const char* const* names;
  size_t count;
};
constexpr Needed kBothSplits = {kFileNames, 4};
constexpr Needed kTestSplit = {kFileNames + 2, 2};

const char* const kHowToGet =
    "To get the data: `apt-get install dataset-fashion-mnist` (Debian), or download "
    "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
    "t10k-labels-idx1-ubyte.gz from https://github.com/zalandoresearch/fashion-mnist "
    "(data/fashion) into ./data, or point --data or $SOFTEDGE_DATA at a directory holding them.";

bool is_file(const fs::path& p) {
  std::error_code ec;  // unreadable parents etc. simply mean "not here"
  return fs::is_regular_file(p, ec);
}

// NAME or NAME.gz inside `dir`, empty if neither exists. When both exist we take the raw one:
// it is the same data (torchvision's data/FashionMNIST/raw keeps the .gz next to its extracted
// copy, and `gunzip -k` does the same) and reads without decompressing.
std::string data_file(const std::string& dir, const std::string& name) {
  const fs::path raw = fs::path(dir) / name;
  if (is_file(raw)) return raw.string();
  const fs::path gz = fs::path(dir) / (name + ".gz");
  if (is_file(gz)) return gz.string();
  return {};
}

// Why `dir` is not a data directory ("no such directory", "missing A[.gz], B[.gz]"), or empty
// when it holds all four files.
std::string why_not_data_dir(const std::string& dir, Needed needed) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return "no such directory";
  std::string missing;
  for (size_t i = 0; i < needed.count; ++i) {
    if (data_file(dir, needed.names[i]).empty()) {
      missing += (missing.empty() ? "" : ", ") + std::string(needed.names[i]) + "[.gz]";
    }
  }
  return missing.empty() ? std::string() : "missing " + missing;
}

// A directory the user named must hold the data: falling back elsewhere would silently train
// on something they did not ask for.
std::string require_data_dir(const std::string& dir, const std::string& source, Needed needed) {
  const std::string why = why_not_data_dir(dir, needed);
  if (why.empty()) return dir;
  throw DataError(dir + ": not a Fashion-MNIST data directory (given by " + source + "): " + why +
                  ". " + kHowToGet);
}

std::string find_data_dir_with(const std::string& cli_dir,
                               const std::vector<std::string>& fallbacks, Needed needed) {
  if (!cli_dir.empty()) return require_data_dir(cli_dir, "--data", needed);
  const char* env = std::getenv("SOFTEDGE_DATA");
  if (env != nullptr && *env != '\0') return require_data_dir(env, "$SOFTEDGE_DATA", needed);

  std::string looked = "\n  --data: not given\n  $SOFTEDGE_DATA: not set";
  for (const std::string& dir : fallbacks) {
    const std::string why = why_not_data_dir(dir, needed);
    if (why.empty()) return dir;
    looked += "\n  " + dir + ": " + why;
  }
  std::string names;
  for (size_t i = 0; i < needed.count; ++i) {
    names += (names.empty() ? "" : ", ") + std::string(needed.names[i]);
  }
  throw DataError("Fashion-MNIST data not found. Looked for " + names +
                  " (each raw or .gz) in:" + looked + "\n" + kHowToGet);
}

}  // namespace

std::vector<std::string> default_data_dirs() {
  return {"./data/FashionMNIST/raw", "./data", "/usr/share/datasets/fashion-mnist"};
}

std::string find_data_dir(const std::string& cli_dir) {
  return find_data_dir(cli_dir, default_data_dirs());
}

std::string find_test_data_dir(const std::string& cli_dir) {
  return find_data_dir_with(cli_dir, default_data_dirs(), kTestSplit);
}

std::string find_data_dir(const std::string& cli_dir, const std::vector<std::string>& fallbacks) {
  return find_data_dir_with(cli_dir, fallbacks, kBothSplits);
}

std::string find_test_data_dir(const std::string& cli_dir,
                               const std::vector<std::string>& fallbacks) {
  return find_data_dir_with(cli_dir, fallbacks, kTestSplit);
}

Split load_split(const std::string& directory, const std::string& prefix) {
  const auto locate = [&](const std::string& name) {
    std::string path = data_file(directory, name);
    if (path.empty()) {
      throw DataError((fs::path(directory) / name).string() +
                      ": cannot open: no such file (nor " + name + ".gz)");
    }
    return path;
  };
  const std::string images_path = locate(prefix + "-images-idx3-ubyte");
  const std::string labels_path = locate(prefix + "-labels-idx1-ubyte");

  IdxImages images = read_idx_images(images_path);
  IdxLabels labels = read_idx_labels(labels_path);
  if (images.count != labels.count) {
    throw DataError(images_path + ": has " + std::to_string(images.count) + " images but " +
                    labels_path + " has " + std::to_string(labels.count) +
                    " labels; the counts must agree");
  }
  Split split;
  split.count = images.count;
  split.pixels = std::move(images.pixels);
  split.labels = std::move(labels.labels);
  return split;
}

Dataset load_fashion_mnist(const std::string& cli_dir) {
  Dataset data;
  data.directory = find_data_dir(cli_dir);
  // Decompression dominates loading: the test split inflates on a second core meanwhile.
  std::future<Split> test = std::async(std::launch::async, load_split, data.directory, "t10k");
  data.train = load_split(data.directory, "train");
  data.test = test.get();  // rethrows the test split's DataError, if any
  return data;
}

}  // namespace host
}  // namespace softedge
