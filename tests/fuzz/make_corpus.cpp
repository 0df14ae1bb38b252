// make_corpus.cpp — writes the seed corpora of the fuzz targets (tests/fuzz/corpus/):
//   softedge_fuzz_make_corpus OUTPUT_DIR     (writes OUTPUT_DIR/{model,idx,pgm}/seed-*)
//
// Small valid files (models from softedge::encode_model, IDX files raw and gzip-compressed,
// PGM images) and interesting invalid ones (each one defect: a wrong field with a valid CRC,
// a cut, a wrong magic...). The output is deterministic: running it again rewrites the same
// bytes, so the committed seeds can be regenerated (scripts/fuzz corpus). Crash inputs kept as
// regression tests live beside the seeds under other names (crash-*, see docs/HOSTILE-INPUT.md)
// and are never touched here.
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "../runtime/conv_model_fixtures.h"  // the conv/pool models of the runtime tests
#include "softedge/crc32.h"
#include "softedge/format.h"
#include "softedge/host/model_writer.h"

namespace host = softedge::host;

namespace {

namespace fs = std::filesystem;
namespace fmt = softedge::format;
using Bytes = std::vector<uint8_t>;

fs::path g_root;
int g_written = 0;

void write(const std::string& target, const std::string& name, const Bytes& bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / ("seed-" + name), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", (dir / name).c_str());
    std::exit(1);
  }
  ++g_written;
}

// ---- models -------------------------------------------------------------------------------

// Deterministic values in [-1, 1).
struct Lcg {
  uint32_t state;
  float next() {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
  }
};

host::DenseLayerSpec float_layer(uint32_t in, uint32_t out, uint32_t seed,
                                 fmt::Activation act = fmt::Activation::kNone) {
  host::DenseLayerSpec layer;
  layer.in_features = in;
  layer.out_features = out;
  layer.activation = act;
  Lcg lcg{seed};
  for (uint32_t i = 0; i < in * out; ++i) layer.weights.push_back(lcg.next() * 0.1f);
  for (uint32_t o = 0; o < out; ++o) layer.bias.push_back(lcg.next() * 0.1f);
  return layer;
}

host::DenseLayerSpec int8_layer(uint32_t in, uint32_t out, uint32_t seed,
                                fmt::Activation act = fmt::Activation::kNone) {
  host::DenseLayerSpec layer;
  layer.in_features = in;
  layer.out_features = out;
  layer.activation = act;
  layer.weight_type = fmt::DType::kInt8;
  Lcg lcg{seed};
  for (uint32_t i = 0; i < in * out; ++i) {
    layer.weights_i8.push_back(static_cast<int8_t>(lcg.next() * 127.9f));
  }
  for (uint32_t o = 0; o < out; ++o) {
    layer.bias_i32.push_back(static_cast<int32_t>(lcg.next() * 50000.0f));
    layer.scales.push_back(1e-5f * (1.0f + 0.1f * static_cast<float>(o)));
  }
  return layer;
}

host::ModelSpec spec(uint16_t height, uint16_t width, uint16_t channels, uint32_t classes) {
  host::ModelSpec s;
  s.input_height = height;
  s.input_width = width;
  s.input_channels = channels;
  for (uint32_t c = 0; c < classes; ++c) s.class_names.push_back("class" + std::to_string(c));
  return s;
}

void refresh_crc(Bytes& file) {
  fmt::write_u32(&file[fmt::header::kCrc32], softedge::model_file_crc(file.data(), file.size()));
}

// A copy of `good` with `edit` applied and the CRC made valid again.
Bytes edited(const Bytes& good, const std::function<void(Bytes&)>& edit) {
  Bytes file = good;
  edit(file);
  refresh_crc(file);
  return file;
}

uint32_t table_of(const Bytes& file) {
  return fmt::read_u32(&file[fmt::header::kLayerTableOffset]);
}

// Format version 3: convolution and pooling layers (conv_model_fixtures.h), valid and with
// one defect each.
void conv_models() {
  namespace layer = fmt::layer;
  // float: conv 3x3/2 pad 1 (ReLU) -> max pool 2/1 -> conv 2x2/1 pad 1 (sigmoid) -> average
  // pool 2/2 -> dense, over a 7 x 5 x 2 input.
  const Bytes conv = host::encode_model(fixtures::float_conv_spec());
  write("model", "v3-float-conv-pool.sedg", conv);
  // int8 throughout: conv and pools passing uint8 activations on.
  const Bytes conv8 = host::encode_model(fixtures::int8_conv_spec());
  write("model", "v3-int8-conv-pool.sedg", conv8);
  // A sigmoid between dense layers (also version 3).
  host::ModelSpec sigmoid = spec(4, 4, 1, 3);
  sigmoid.layers.push_back(float_layer(16, 6, 30, fmt::Activation::kSigmoid));
  sigmoid.layers.push_back(float_layer(6, 3, 31));
  write("model", "v3-dense-sigmoid.sedg", host::encode_model(sigmoid));

  const uint32_t table = table_of(conv);
  auto entry8 = [table](uint32_t l, uint32_t field, uint8_t value) {
    return [=](Bytes& f) { f[table + l * fmt::kLayerEntrySize + field] = value; };
  };
  write("model", "v3-kernel-size-0.sedg", edited(conv, entry8(0, layer::kKernelSize, 0)));
  write("model", "v3-kernel-size-16.sedg", edited(conv, entry8(0, layer::kKernelSize, 16)));
  write("model", "v3-stride-0.sedg", edited(conv, entry8(0, layer::kStridePadding, 0x10)));
  write("model", "v3-padding-equal-kernel.sedg",
        edited(conv, entry8(2, layer::kStridePadding, 0x21)));
  write("model", "v3-pool-padding.sedg", edited(conv, entry8(1, layer::kStridePadding, 0x11)));
  write("model", "v3-window-wider-than-input.sedg",
        edited(conv, entry8(0, layer::kKernelSize, 8)));
  write("model", "v3-pool-with-weights.sedg", edited(conv, [table](Bytes& f) {
          fmt::write_u32(&f[table + fmt::kLayerEntrySize + layer::kWeightOffset], 64);
        }));
  write("model", "v3-conv-channels-not-whole.sedg", edited(conv, [table](Bytes& f) {
          fmt::write_u32(&f[table + layer::kOutFeatures], 47);
        }));
  write("model", "v3-dense-geometry-set.sedg",
        edited(conv, entry8(4, layer::kStridePadding, 1)));
  write("model", "v3-conv-in-v2-file.sedg", edited(conv, [](Bytes& f) {
          fmt::write_u16(&f[fmt::header::kVersion], fmt::kVersion2);
        }));
  write("model", "v3-int8-pool-scale-differs.sedg", edited(conv8, [](Bytes& f) {
          uint8_t* scale = &f[table_of(f) + fmt::kLayerEntrySize + layer::kOutputScale];
          fmt::write_u32(scale, fmt::read_u32(scale) + 1);
        }));
  write("model", "v3-int8-pool-last.sedg", edited(conv8, [](Bytes& f) {
          fmt::write_u16(&f[fmt::header::kLayerCount], 2);
        }));
}

void models() {
  // Valid: the real Fashion-MNIST sizes, float and int8.
  host::ModelSpec mnist = spec(28, 28, 1, 10);
  mnist.layers.push_back(float_layer(784, 10, 1));
  write("model", "float-784x10.sedg", host::encode_model(mnist));
  host::ModelSpec mnist8 = spec(28, 28, 1, 10);
  mnist8.layers.push_back(int8_layer(784, 10, 5));
  write("model", "int8-784x10.sedg", host::encode_model(mnist8));

  // Valid: tiny ones the fuzzer can mutate quickly.
  host::ModelSpec tiny = spec(4, 4, 1, 3);
  tiny.layers.push_back(float_layer(16, 3, 2));
  const Bytes tiny_float = host::encode_model(tiny);
  write("model", "float-4x4-3.sedg", tiny_float);

  host::ModelSpec tiny8 = spec(4, 4, 1, 3);
  tiny8.layers.push_back(int8_layer(16, 3, 3));
  const Bytes tiny_int8 = host::encode_model(tiny8);
  write("model", "int8-4x4-3.sedg", tiny_int8);

  host::ModelSpec odd = spec(3, 5, 1, 17);  // widths that are not a multiple of any vector
  odd.layers.push_back(float_layer(15, 17, 4));
  write("model", "float-3x5-17.sedg", host::encode_model(odd));

  host::ModelSpec channels = spec(2, 2, 3, 2);
  channels.input_bias = -0.5f;  // a non-zero input bias: features go through scratch
  channels.layers.push_back(float_layer(12, 2, 6));
  write("model", "float-2x2x3-input-bias.sedg", host::encode_model(channels));

  host::ModelSpec mlp = spec(4, 4, 1, 3);
  mlp.layers.push_back(float_layer(16, 8, 7, fmt::Activation::kRelu));
  mlp.layers.push_back(float_layer(8, 5, 8, fmt::Activation::kRelu));
  mlp.layers.push_back(float_layer(5, 3, 9));
  write("model", "float-mlp-16-8-5-3.sedg", host::encode_model(mlp));

  host::ModelSpec mixed = spec(4, 4, 1, 3);
  mixed.layers.push_back(int8_layer(16, 6, 10, fmt::Activation::kRelu));
  mixed.layers.push_back(float_layer(6, 3, 11));
  write("model", "int8-then-float-16-6-3.sedg", host::encode_model(mixed));

  // int8 hidden layers (uint8 activations, integer requantization) behind an input lookup
  // table: int8 16 -> 8 (ReLU, uint8 out) -> int8 8 -> 6 (ReLU, uint8 out) -> int8 6 -> 3.
  host::ModelSpec deep = spec(4, 4, 1, 3);
  for (uint32_t p = 0; p < 256; ++p) deep.input_lut.push_back(static_cast<uint8_t>(255 - p));
  const uint32_t widths[4] = {16, 8, 6, 3};
  for (uint32_t l = 0; l < 3; ++l) {
    const bool last = l == 2;
    host::DenseLayerSpec layer = int8_layer(widths[l], widths[l + 1], 20 + l,
                                            last ? fmt::Activation::kNone : fmt::Activation::kRelu);
    if (!last) {
      layer.output_scale = 0.05f;
      layer.scales.clear();
      for (uint32_t o = 0; o < widths[l + 1]; ++o) {
        layer.requant.push_back((1 << 30) + static_cast<int32_t>(o) * 12345);  // m
        layer.requant.push_back(static_cast<int32_t>(o % 5) - 2 + 12);        // shift
      }
    }
    deep.layers.push_back(layer);
  }
  write("model", "int8-deep-lut-16-8-6-3.sedg", host::encode_model(deep));

  host::ModelSpec one = spec(1, 1, 1, 1);  // the smallest model: one input, one class
  one.layers.push_back(float_layer(1, 1, 12));
  write("model", "float-1x1-1.sedg", host::encode_model(one));

  // Valid files whose inference overflows: an int8 scale near FLT_MAX, a float input scale of
  // 1e38 (pixel 255 x 1e38 is infinite): kNonFiniteLogits, zero probabilities.
  write("model", "int8-huge-scale.sedg", edited(tiny_int8, [](Bytes& f) {
          const uint32_t scales = fmt::read_u32(&f[table_of(f) + fmt::layer::kScaleOffset]);
          fmt::write_f32(&f[scales], 3e38f);
        }));
  write("model", "float-huge-input-scale.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_f32(&f[fmt::header::kInputScale], 1e38f);
        }));
  // Trailing bytes after file_size are allowed (a flash partition larger than the model).
  Bytes padded = tiny_float;
  padded.resize(padded.size() + 37, 0xEE);
  write("model", "float-trailing-bytes.sedg", padded);

  // Invalid, one defect each (CRC valid unless the defect is the CRC).
  const uint32_t table = table_of(tiny_float);
  Bytes bad_crc = tiny_float;
  bad_crc.back() ^= 0x10;
  write("model", "bad-crc.sedg", bad_crc);
  write("model", "newer-version.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_u16(&f[fmt::header::kVersion], fmt::kNewestVersion + 1);
        }));
  write("model", "truncated-header.sedg", Bytes(tiny_float.begin(), tiny_float.begin() + 40));
  write("model", "truncated-tensor.sedg", Bytes(tiny_float.begin(), tiny_float.end() - 9));
  write("model", "magic-only.sedg", Bytes(tiny_float.begin(), tiny_float.begin() + 4));
  write("model", "dims-product-overflow.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_u16(&f[fmt::header::kInputHeight], 0xFFFF);
          fmt::write_u16(&f[fmt::header::kInputWidth], 0xFFFF);
          fmt::write_u16(&f[fmt::header::kInputChannels], 0xFFFF);
        }));
  write("model", "zero-width.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_u16(&f[fmt::header::kInputWidth], 0);
        }));
  write("model", "huge-out-features.sedg", edited(tiny_float, [table](Bytes& f) {
          fmt::write_u32(&f[table + fmt::layer::kOutFeatures], 0xFFFFFFFFu);
        }));
  write("model", "weights-past-end.sedg", edited(tiny_float, [table](Bytes& f) {
          fmt::write_u32(&f[table + fmt::layer::kWeightOffset], 0xFFFFFFC0u);
        }));
  write("model", "bias-overlaps-weights.sedg", edited(tiny_float, [table](Bytes& f) {
          fmt::write_u32(&f[table + fmt::layer::kBiasOffset],
                         fmt::read_u32(&f[table + fmt::layer::kWeightOffset]));
        }));
  write("model", "misaligned-weights.sedg", edited(tiny_float, [table](Bytes& f) {
          fmt::write_u32(&f[table + fmt::layer::kWeightOffset],
                         fmt::read_u32(&f[table + fmt::layer::kWeightOffset]) + 4);
        }));
  write("model", "layer-count-9.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_u16(&f[fmt::header::kLayerCount], 9);
        }));
  write("model", "layer-count-2.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_u16(&f[fmt::header::kLayerCount], 2);
        }));
  write("model", "names-unterminated.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_u32(&f[fmt::header::kClassNamesSize],
                         fmt::read_u32(&f[fmt::header::kClassNamesSize]) - 1);
        }));
  write("model", "nan-bias.sedg", edited(tiny_float, [table](Bytes& f) {
          fmt::write_f32(&f[fmt::read_u32(&f[table + fmt::layer::kBiasOffset])], NAN);
        }));
  write("model", "int8-bias-overflow.sedg", edited(tiny_int8, [](Bytes& f) {
          const uint32_t bias = fmt::read_u32(&f[table_of(f) + fmt::layer::kBiasOffset]);
          fmt::write_u32(&f[bias], 0x7FFFFFFFu);
        }));
  write("model", "file-size-too-large.sedg", edited(tiny_float, [](Bytes& f) {
          fmt::write_u32(&f[fmt::header::kFileSize], static_cast<uint32_t>(f.size() + 1));
        }));
  write("model", "empty", Bytes{});
  conv_models();
}

// ---- IDX ----------------------------------------------------------------------------------

void put_be32(Bytes& b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
}

Bytes idx_images(uint32_t count, uint32_t rows = 28, uint32_t cols = 28) {
  Bytes b;
  put_be32(b, 2051);
  put_be32(b, count);
  put_be32(b, rows);
  put_be32(b, cols);
  for (size_t i = 0; i < size_t{count} * rows * cols; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

Bytes idx_labels(const Bytes& values) {
  Bytes b;
  put_be32(b, 2049);
  put_be32(b, static_cast<uint32_t>(values.size()));
  b.insert(b.end(), values.begin(), values.end());
  return b;
}

// gzip-compressed in memory (zlib, gzip wrapper, fixed settings: deterministic output).
Bytes gzip(const Bytes& data) {
  z_stream zs{};
  if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::exit(1);
  Bytes out(deflateBound(&zs, data.size()) + 64);
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::exit(1);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

void idx() {
  const Bytes images = idx_images(2);
  const Bytes labels = idx_labels({0, 9, 3});
  write("idx", "images-2.idx", images);
  write("idx", "labels-3.idx", labels);
  write("idx", "images-0.idx", idx_images(0));
  write("idx", "labels-0.idx", idx_labels({}));
  const Bytes images_gz = gzip(images);
  write("idx", "images-2.idx.gz", images_gz);
  write("idx", "labels-3.idx.gz", gzip(labels));
  Bytes members = gzip(Bytes(images.begin(), images.begin() + 100));  // two gzip members
  const Bytes second = gzip(Bytes(images.begin() + 100, images.end()));
  members.insert(members.end(), second.begin(), second.end());
  write("idx", "images-2-two-members.idx.gz", members);

  // Invalid.
  write("idx", "images-truncated-header.idx", Bytes(images.begin(), images.begin() + 10));
  write("idx", "images-truncated-pixels.idx", Bytes(images.begin(), images.end() - 1));
  Bytes trailing = labels;
  trailing.push_back(0);
  write("idx", "labels-trailing-byte.idx", trailing);
  write("idx", "labels-value-10.idx", idx_labels({1, 10}));
  write("idx", "images-27x28.idx", idx_images(1, 27, 28));
  Bytes huge_count = idx_images(0);
  huge_count[4] = huge_count[5] = huge_count[6] = huge_count[7] = 0xFF;
  write("idx", "images-count-4G.idx", huge_count);
  Bytes ubyte3 = images;
  ubyte3[2] = 0x0D;  // float elements
  write("idx", "images-float-type.idx", ubyte3);
  write("idx", "images-2-truncated.idx.gz", Bytes(images_gz.begin(), images_gz.end() - 20));
  Bytes junk = images_gz;
  junk.push_back('x');
  write("idx", "images-2-trailing-junk.idx.gz", junk);
  Bytes corrupt = images_gz;
  corrupt[corrupt.size() / 2] ^= 0x55;
  write("idx", "images-2-corrupt.idx.gz", corrupt);
  Bytes bad_crc = images_gz;
  bad_crc[bad_crc.size() - 6] ^= 1;  // the gzip trailer's CRC-32
  write("idx", "images-2-bad-gzip-crc.idx.gz", bad_crc);
  // A small bomb: 4 MB of zeros behind an images header, compressed to a few KB.
  Bytes big = idx_images(0);
  big.resize(big.size() + (size_t{4} << 20), 0);
  write("idx", "images-bomb.idx.gz", gzip(big));
}

// ---- PGM ----------------------------------------------------------------------------------

Bytes pgm(const std::string& header, size_t pixels) {
  Bytes b(header.begin(), header.end());
  for (size_t i = 0; i < pixels; ++i) b.push_back(static_cast<uint8_t>(i * 13));
  return b;
}

void pgm_files() {
  write("pgm", "28x28.pgm", pgm("P5\n28 28\n255\n", 784));
  write("pgm", "28x28-comments-crlf.pgm",
        pgm("P5\r\n# made by make_corpus\r\n28\t28 # w h\n255\r", 784));
  write("pgm", "28x28-trailing-image.pgm", pgm("P5 28 28 255\n", 784 * 2));
  Bytes space_pixel = pgm("P5\n28 28\n255\n", 784);
  space_pixel[13] = ' ';  // the first pixel is a whitespace byte: data, not header
  write("pgm", "28x28-space-pixel.pgm", space_pixel);
  write("pgm", "3x2.pgm", pgm("P5 3 2 255\n", 6));
  write("pgm", "1x1.pgm", pgm("P5 1 1 255 ", 1));
  // Invalid.
  write("pgm", "truncated-pixels.pgm", pgm("P5\n28 28\n255\n", 783));
  write("pgm", "no-pixels.pgm", pgm("P5\n28 28\n255", 0));
  write("pgm", "maxval-65535.pgm", pgm("P5\n28 28\n65535\n", 2 * 784));
  write("pgm", "plain-p2.pgm", pgm("P2\n28 28\n255\n", 0));
  write("pgm", "27x28.pgm", pgm("P5\n27 28\n255\n", 27 * 28));
  write("pgm", "width-10-digits.pgm", pgm("P5\n1234567890 28\n255\n", 0));
  write("pgm", "width-4G.pgm", pgm("P5\n999999999 999999999\n255\n", 10));
  write("pgm", "comment-to-eof.pgm", pgm("P5\n28 # no end", 0));
  write("pgm", "empty.pgm", Bytes{});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR   (writes OUTPUT_DIR/{model,idx,pgm}/seed-*)\n",
                 argv[0]);
    return 2;
  }
  g_root = argv[1];
  try {
    models();
    idx();
    pgm_files();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_corpus: %s\n", e.what());
    return 1;
  }
  std::printf("wrote %d seed files under %s\n", g_written, g_root.c_str());
  return 0;
}
