// The scratch layout (runtime/src/scratch_layout.h): one computation behind scratch_bytes() and
// every buffer inference uses. Its parts are aligned, disjoint and large enough; the
// accessors point where the offsets say; inference writes nothing outside scratch_bytes().
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "../../runtime/src/scratch_layout.h"  // internal to the runtime: tested here directly
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/inference.h"

namespace host = softedge::host;

using softedge::Status;
using softedge::detail::ScratchLayout;

namespace {

// 784 -> 256 (ReLU) -> 10, float32, with a lookup table.
host::ModelSpec mlp_with_table() {
  host::ModelSpec spec = fixtures::mnist_linear_spec();
  spec.layers = {fixtures::dense_layer(784, 256, 3, 0.05f, softedge::format::Activation::kRelu),
                 fixtures::dense_layer(256, 10, 4)};
  spec.input_lut.resize(256);
  for (int p = 0; p < 256; ++p) spec.input_lut[p] = static_cast<uint8_t>(255 - p);
  return spec;
}

// 5 x 7 pixels -> 3, with an input bias (layer 0 reads features from scratch) and a table.
host::ModelSpec odd_sizes() {
  host::ModelSpec spec = fixtures::linear_spec(5, 7, 3);
  spec.input_bias = -0.5f;
  spec.input_lut.assign(256, 7);
  return spec;
}

std::vector<host::ModelSpec> models() {
  host::ModelSpec table = fixtures::mnist_int8_spec();
  table.input_lut.assign(256, 1);
  return {fixtures::mnist_linear_spec(), fixtures::mnist_int8_spec(), table, mlp_with_table(),
          odd_sizes()};
}

}  // namespace

TEST_CASE("the scratch parts are 64-byte aligned, in order, disjoint and large enough" *
          fixtures::needs_every_layer_mode()) {
  for (const host::ModelSpec& spec : models()) {
    fixtures::LoadedModel f(spec);
    REQUIRE(f.status == Status::kOk);
    const softedge::Model& m = f.model;
    for (uint32_t images : {1u, 2u, 16u}) {  // one image, and tiles (batch_scratch_bytes)
      const ScratchLayout layout = softedge::detail::scratch_layout(m, images);
      INFO("input " << m.input_size << ", widest " << m.max_width << ", table "
                    << (m.input_lut != nullptr) << ", images " << images);
      const size_t starts[] = {layout.features, layout.activations[0], layout.activations[1],
                               layout.accumulators, layout.remapped_pixels, layout.end};
      // Per image: the input, and `stride` elements (max_width rounded up to 64 bytes).
      CHECK(layout.stride >= m.max_width);
      CHECK(layout.stride * 4 % 64 == 0);
      CHECK(layout.stride < m.max_width + 16);
      const size_t width = (images - 1) * layout.stride * 4 + m.max_width * 4;
      const size_t needs[] = {images * m.input_size * sizeof(float), width, width, width,
                              m.input_lut != nullptr ? images * m.input_size : 0};
      CHECK(layout.features == 0);
      for (int part = 0; part < 5; ++part) {
        CHECK(starts[part] % 64 == 0);
        CHECK(starts[part + 1] - starts[part] >= needs[part]);  // room before the next part
        CHECK(starts[part + 1] - starts[part] < needs[part] + 64);  // and no more than padding
      }
      CHECK(softedge::batch_scratch_bytes(m, images) == layout.end + 63);
    }
    CHECK(softedge::scratch_bytes(m) == softedge::detail::scratch_layout(m).end + 63);
  }
}

TEST_CASE("scratch_bytes keeps the documented figures (docs/RUNTIME.md)" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel plain(fixtures::mnist_linear_spec());
  CHECK(softedge::scratch_bytes(plain.model) == 3391);
  host::ModelSpec table = fixtures::mnist_int8_spec();
  table.input_lut.assign(256, 1);
  fixtures::LoadedModel with_table(table);
  CHECK(softedge::scratch_bytes(with_table.model) == 4223);
  fixtures::LoadedModel mlp(mlp_with_table());
  CHECK(softedge::scratch_bytes(mlp.model) == 7103);
  // Tiles of 16 images (the most infer_batch_u8 uses: more images ask for no more, a float
  // model having no dense lines: test_dense_lines.cpp).
  CHECK(softedge::batch_scratch_bytes(plain.model, 16) == 53311);
  CHECK(softedge::batch_scratch_bytes(plain.model, 10000) == 53311);
  CHECK(softedge::batch_scratch_bytes(mlp.model, 16) == 111935);
}

TEST_CASE("the scratch accessors point at the layout's offsets from the first 64-byte boundary" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel f(mlp_with_table());
  REQUIRE(f.status == Status::kOk);
  const size_t size = softedge::scratch_bytes(f.model);
  std::vector<uint8_t> buffer(size + 64);
  for (size_t shift = 0; shift < 64; ++shift) {
    uint8_t* start = buffer.data() + shift;
    softedge::detail::Scratch s;
    REQUIRE(softedge::detail::make_scratch(start, size, f.model, &s));
    const uintptr_t base = reinterpret_cast<uintptr_t>(s.base);
    CHECK(base % 64 == 0);
    CHECK(s.base >= start);
    CHECK(s.base + s.layout.end <= start + size);
    CHECK(reinterpret_cast<uintptr_t>(s.features()) == base + s.layout.features);
    CHECK(reinterpret_cast<uintptr_t>(s.activations(0)) == base + s.layout.activations[0]);
    CHECK(reinterpret_cast<uintptr_t>(s.activations(1)) == base + s.layout.activations[1]);
    CHECK(s.activations(2) == s.activations(0));  // layers ping-pong
    CHECK(reinterpret_cast<uintptr_t>(s.accumulators()) == base + s.layout.accumulators);
    CHECK(reinterpret_cast<uintptr_t>(s.remapped_pixels()) == base + s.layout.remapped_pixels);
    CHECK_FALSE(softedge::detail::make_scratch(start, size - 1, f.model, &s));
  }
  softedge::detail::Scratch s;
  CHECK_FALSE(softedge::detail::make_scratch(nullptr, size, f.model, &s));
}

TEST_CASE("inference writes only inside the scratch_bytes() it asked for" *
          fixtures::needs_every_layer_mode()) {
  for (const host::ModelSpec& spec : models()) {
    fixtures::LoadedModel f(spec);
    REQUIRE(f.status == Status::kOk);
    const size_t size = softedge::scratch_bytes(f.model);
    const std::vector<uint8_t> pixels = fixtures::pixels(f.model.input_size, 9);
    std::vector<float> probabilities(f.model.num_classes);
    for (size_t shift : {0, 1, 17, 63}) {
      std::vector<uint8_t> buffer(size + 64 + 128, 0xA5);  // canaries around the scratch
      uint8_t* scratch = buffer.data() + 64 + shift;
      REQUIRE(softedge::infer_u8(f.model, pixels.data(), pixels.size(), probabilities.data(),
                                 probabilities.size(), scratch, size, nullptr) == Status::kOk);
      bool outside_untouched = true;
      for (size_t i = 0; i < buffer.size(); ++i) {
        const bool inside = buffer.data() + i >= scratch && buffer.data() + i < scratch + size;
        if (!inside && buffer[i] != 0xA5) outside_untouched = false;
      }
      CHECK(outside_untouched);
    }
  }
}
