// test_model_corruption.cpp — corruption of the real-size models (784 -> 10, float32 and
// int8) and of small convolution and pooling models (format version 3, float32 and int8:
// tests/runtime/conv_model_fixtures.h): every truncation, single-bit flips as they are (the
// checksum must catch them), and single-bit flips with the checksum recomputed (a hostile
// file: the structural checks must reject it, or the model must load and run safely on every
// kernel set).
//
// The conv/pool models (about 1.5 KB each) have every bit flipped and every accepted flip run.
// Which bits: the int8 model (8,168 bytes), every bit. The float model (31,592 bytes), every
// bit outside its weight tensor (header, layer table, names, bias, padding) and every bit of
// every 61st byte of the weights: all 252,736 bits cost 8 GB of CRC (load() checks the CRC
// of the whole file each time), about 25 s of CPU in Release and several times that under
// ASan. SOFTEDGE_CORRUPTION_EXHAUSTIVE=1 in the environment flips every bit of both.
//
// In the host suite (desktop and the ASan + UBSan build), not in the runtime suite: the
// runtime suite also runs under qemu (x86 and ARM), where this would take minutes. The
// runtime suite flips every bit of small models (test_model_loader.cpp, test_int8_model.cpp)
// and checks the crafted headers (test_hostile_model_headers.cpp) on every target.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "runtime/conv_model_fixtures.h"
#include "runtime/model_fixtures.h"
#include "softedge/crc32.h"
#include "softedge/format.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

namespace {

using softedge::Status;
namespace fmt = softedge::format;
using Bytes = std::vector<uint8_t>;

// Model bytes 64-byte aligned, as the tools keep them; the size is the file's.
struct AlignedFile {
  explicit AlignedFile(const Bytes& file)
      : bytes(static_cast<uint8_t*>(::operator new(file.size() + 1, std::align_val_t{64}))),
        size(file.size()) {
    if (!file.empty()) std::memcpy(bytes, file.data(), file.size());
  }
  ~AlignedFile() { ::operator delete(bytes, std::align_val_t{64}); }
  AlignedFile(const AlignedFile&) = delete;
  AlignedFile& operator=(const AlignedFile&) = delete;
  uint8_t* bytes;
  size_t size;
};

struct Tally {
  size_t tried = 0;
  size_t rejected = 0;
  size_t ran = 0;  // accepted files that ran inference on every kernel set
  std::map<int, size_t> by_status;

  void add(Status status) {
    ++tried;
    if (status != Status::kOk) ++rejected;
    ++by_status[static_cast<int>(status)];
  }
  std::string summary() const {
    std::string text = std::to_string(rejected) + " of " + std::to_string(tried) + " rejected (";
    for (const auto& [status, count] : by_status) {
      text += std::string(softedge::status_message(static_cast<Status>(status))).substr(0, 24) +
              ": " + std::to_string(count) + "; ";
    }
    return text + "ran " + std::to_string(ran) + ")";
  }
};

// Inference on an accepted (possibly corrupted but structurally valid) model, every runnable
// kernel set: only documented results, probabilities sane. ASan/UBSan watch the rest.
void run_everywhere(const softedge::Model& model) {
  std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
  std::vector<uint8_t> pixels(model.input_size);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 37 + 11);
  std::vector<float> probabilities(model.num_classes);
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& kernels = softedge::kernel_at(k);
    if (!softedge::kernel_runnable(kernels)) continue;
    REQUIRE(softedge::force_kernel(kernels.name) == Status::kOk);
    softedge::Prediction prediction{};
    const Status status = softedge::infer_u8(model, pixels.data(), pixels.size(),
                                             probabilities.data(), probabilities.size(),
                                             scratch.data(), scratch.size(), &prediction);
    if (status == Status::kOk) {
      float sum = 0;
      for (float p : probabilities) {
        if (!(p >= 0.0f && p <= 1.0f)) FAIL("probability out of [0, 1] with " << kernels.name);
        sum += p;
      }
      if (!(sum > 0.0f && sum <= 1.001f)) FAIL("probabilities sum to " << sum);
      if (prediction.top_class >= model.num_classes) FAIL("top class out of range");
    } else if (status == Status::kNonFiniteLogits) {
      for (float p : probabilities) {
        if (p != 0.0f) FAIL("kNonFiniteLogits with a non-zero probability");
      }
    } else {
      FAIL("undocumented inference status " << static_cast<int>(status));
    }
  }
  REQUIRE(softedge::force_kernel("auto") == Status::kOk);
}

// Byte range [begin, end) of the first layer's weight tensor (rows x row_length), where a
// flipped bit only changes one weight's value.
std::pair<size_t, size_t> weight_bytes(const Bytes& file) {
  softedge::Model model;
  REQUIRE(softedge::load(file.data(), file.size(), &model) == Status::kOk);
  const softedge::Layer& layer = model.layers[0];
  const bool int8 = softedge::format::is_int8(layer.mode);
  const uint8_t* begin = int8 ? reinterpret_cast<const uint8_t*>(layer.weights_i8)
                              : reinterpret_cast<const uint8_t*>(layer.weights);
  const size_t offset = static_cast<size_t>(begin - file.data());
  const uint64_t bytes =
      softedge::format::layer_tensor_bytes(layer.mode, layer.row_length, layer.rows).weights;
  return {offset, offset + static_cast<size_t>(bytes)};
}

bool exhaustive_requested() {
  const char* value = std::getenv("SOFTEDGE_CORRUPTION_EXHAUSTIVE");
  return value != nullptr && std::string(value) == "1";
}

// The bits to flip: all of them, or all outside the weight tensor plus every bit of every
// `weight_stride`th weight byte (a flipped weight bit only changes that weight's value).
std::vector<size_t> bits_to_flip(const Bytes& good, size_t weight_stride) {
  const auto weights = weight_bytes(good);
  std::vector<size_t> bits;
  for (size_t byte = 0; byte < good.size(); ++byte) {
    const bool in_weights = byte >= weights.first && byte < weights.second;
    if (in_weights && (byte - weights.first) % weight_stride != 0) continue;
    for (size_t bit = 0; bit < 8; ++bit) bits.push_back(byte * 8 + bit);
  }
  return bits;
}

Tally every_truncation(const Bytes& good) {
  AlignedFile file(good);
  Tally tally;
  softedge::Model model;
  for (size_t size = 0; size < good.size(); ++size) {
    const Status status = softedge::load(file.bytes, size, &model);
    tally.add(status);
    if (status == Status::kOk)
      FAIL("a " << size << "-byte prefix of a " << good.size() << "-byte model loaded");
    if (model.layer_count != 0) FAIL("a failed load left a half-filled Model");
  }
  return tally;
}

Tally flip_bits(const Bytes& good, const std::vector<size_t>& bits) {
  AlignedFile file(good);
  Tally tally;
  softedge::Model model;
  for (size_t bit : bits) {
    file.bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    const Status status = softedge::load(file.bytes, file.size, &model);
    file.bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    tally.add(status);
    if (status == Status::kOk) FAIL("flipping bit " << bit << " was not noticed");
  }
  return tally;
}

// The change a flipped bit at byte `i` of an `n`-byte message makes to its CRC-32 (the CRC is
// linear: crc(m ^ e) = crc(m) ^ raw(e), raw = no initial value, no final xor). raw of a byte
// v followed by k zero bytes is table(v) advanced k times; computed for all positions in 8n
// steps.
class CrcDelta {
 public:
  explicit CrcDelta(size_t n) : deltas_(n * 8) {
    uint32_t table[256];
    for (uint32_t v = 0; v < 256; ++v) {
      uint32_t c = v;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[v] = c;
    }
    uint32_t current[8];
    for (int k = 0; k < 8; ++k) current[k] = table[1u << k];
    for (size_t i = n; i-- > 0;) {
      for (int k = 0; k < 8; ++k) {
        deltas_[i * 8 + k] = current[k];
        current[k] = table[current[k] & 0xFFu] ^ (current[k] >> 8);  // one more zero byte after
      }
    }
  }
  uint32_t operator()(size_t bit) const { return deltas_[bit]; }

 private:
  std::vector<uint32_t> deltas_;
};

Tally flip_bits_valid_crc(const Bytes& good, const std::vector<size_t>& bits,
                          size_t inference_stride) {
  AlignedFile file(good);
  Tally tally;
  softedge::Model model;
  const CrcDelta delta(good.size());
  const uint32_t crc = fmt::read_u32(&good[fmt::header::kCrc32]);
  const auto weights = weight_bytes(good);
  size_t weights_seen = 0;
  for (size_t bit : bits) {
    const size_t byte = bit / 8;
    if (byte >= fmt::header::kCrc32 && byte < fmt::header::kCrc32 + 4) continue;  // the CRC itself
    file.bytes[byte] ^= static_cast<uint8_t>(1u << (bit % 8));
    const bool size_field = byte >= fmt::header::kFileSize && byte < fmt::header::kFileSize + 4;
    if (size_field) {
      // The CRC covers file_size bytes: recompute it over the new length where that exists.
      const uint32_t declared = fmt::read_u32(file.bytes + fmt::header::kFileSize);
      if (declared >= fmt::kHeaderSize && declared <= file.size) {
        fmt::write_u32(file.bytes + fmt::header::kCrc32,
                       softedge::model_file_crc(file.bytes, declared));
      }
    } else {
      fmt::write_u32(file.bytes + fmt::header::kCrc32, crc ^ delta(bit));
    }
    const Status status = softedge::load(file.bytes, file.size, &model);
    tally.add(status);
    if (status == Status::kChecksumMismatch && !size_field) {
      FAIL("bit " << bit << ": the recomputed CRC was refused (test bug)");
    }
    if (status == Status::kOk) {
      const bool in_weights = byte >= weights.first && byte < weights.second;
      if (!in_weights || weights_seen++ % inference_stride == 0) {
        run_everywhere(model);
        ++tally.ran;
      }
    } else if (model.layer_count != 0) {
      FAIL("a failed load left a half-filled Model");
    }
    file.bytes[byte] ^= static_cast<uint8_t>(1u << (bit % 8));
    fmt::write_u32(file.bytes + fmt::header::kCrc32, crc);
  }
  return tally;
}

Bytes float_model() { return softedge::host::encode_model(fixtures::mnist_linear_spec(11)); }
Bytes int8_model() { return softedge::host::encode_model(fixtures::mnist_int8_spec(12)); }

Bytes conv_float_model() { return softedge::host::encode_model(fixtures::float_conv_spec(13)); }
Bytes conv_int8_model() { return softedge::host::encode_model(fixtures::int8_conv_spec(14)); }

// Every bit of the int8 model; of the float model, see the top of this file.
std::vector<size_t> chosen_bits(const Bytes& good, bool is_float) {
  return bits_to_flip(good, is_float && !exhaustive_requested() ? 61 : 1);
}

}  // namespace

TEST_CASE("corruption: every truncation of the 784 -> 10 float and int8 models is rejected") {
  for (const Bytes& good : {float_model(), int8_model()}) {
    const Tally tally = every_truncation(good);
    MESSAGE(good.size() << "-byte model, truncations: " << tally.summary());
    CHECK(tally.tried == good.size());
    CHECK(tally.rejected == tally.tried);
  }
}

TEST_CASE("corruption: single-bit flips of the 784 -> 10 float and int8 models are rejected") {
  for (const bool is_float : {true, false}) {
    const Bytes good = is_float ? float_model() : int8_model();
    const std::vector<size_t> bits = chosen_bits(good, is_float);
    const Tally tally = flip_bits(good, bits);
    MESSAGE(good.size() << "-byte model, " << bits.size() << " of " << good.size() * 8
                        << " bits flipped: " << tally.summary());
    CHECK(tally.tried == bits.size());
    CHECK(tally.rejected == tally.tried);
    // Past the fields checked before the CRC (magic, version, header size, file size: 12
    // bytes), the checksum is what notices: CRC-32 detects every single-bit error.
    CHECK(tally.by_status.at(static_cast<int>(Status::kChecksumMismatch)) >= bits.size() - 12 * 8);
  }
}

TEST_CASE("corruption: single-bit flips with a valid CRC are rejected or run safely") {
  // A hostile file carries a valid CRC. Then a flip in a weight is just another weight (or a
  // NaN/Inf: kNonFiniteWeights), a flip elsewhere must be caught by the structural checks or
  // give a model that loads and runs without reading out of bounds on every kernel set.
  // Inference runs for every accepted flip outside the weight tensor and for every 61st
  // inside it (those only change one weight's value).
  for (const bool is_float : {true, false}) {
    const Bytes good = is_float ? float_model() : int8_model();
    std::vector<size_t> bits = chosen_bits(good, is_float);
    const Tally tally = flip_bits_valid_crc(good, bits, 61);
    const size_t crc_bits = 32;  // flipping the CRC field itself is the test above
    MESSAGE(good.size() << "-byte model, " << bits.size() - crc_bits << " of "
                        << good.size() * 8 - crc_bits << " bits flipped with a valid CRC: "
                        << tally.summary());
    CHECK(tally.tried == bits.size() - crc_bits);
    CHECK(tally.ran > 0);
  }
}

TEST_CASE("corruption: every truncation of the conv/pool float and int8 models is rejected") {
  for (const Bytes& good : {conv_float_model(), conv_int8_model()}) {
    const Tally tally = every_truncation(good);
    MESSAGE(good.size() << "-byte conv/pool model, truncations: " << tally.summary());
    CHECK(tally.tried == good.size());
    CHECK(tally.rejected == tally.tried);
  }
}

TEST_CASE("corruption: every single-bit flip of the conv/pool models is rejected") {
  for (const Bytes& good : {conv_float_model(), conv_int8_model()}) {
    const std::vector<size_t> bits = bits_to_flip(good, 1);
    const Tally tally = flip_bits(good, bits);
    MESSAGE(good.size() << "-byte conv/pool model, every bit flipped: " << tally.summary());
    CHECK(tally.tried == good.size() * 8);
    CHECK(tally.rejected == tally.tried);
  }
}

TEST_CASE("corruption: conv/pool flips with a valid CRC are rejected or run safely") {
  // Every bit, and inference on every kernel set for every flip that loads: a flipped
  // geometry byte, shape or tensor offset must be refused or give a model whose windows stay
  // inside its tensors (ASan/UBSan watch in the sanitizer build).
  for (const Bytes& good : {conv_float_model(), conv_int8_model()}) {
    const std::vector<size_t> bits = bits_to_flip(good, 1);
    const Tally tally = flip_bits_valid_crc(good, bits, 1);
    MESSAGE(good.size() << "-byte conv/pool model, every bit flipped with a valid CRC: "
                        << tally.summary());
    CHECK(tally.tried == bits.size() - 32);
    CHECK(tally.ran > 0);
    CHECK(tally.rejected > 0);
  }
}
