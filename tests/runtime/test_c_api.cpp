// The C API (softedge/softedge_c.h) against the C++ one it wraps: the same answers, bit for
// bit, on every kernel set; statuses and messages one to one; safe on empty models.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "kernel_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/softedge.h"
#include "softedge/softedge_c.h"
#include "softedge/version.h"

using softedge::Status;

TEST_CASE("C API: every status has the C++ value and message") {
  CHECK(SOFTEDGE_OK == 0);
  CHECK(static_cast<int>(SOFTEDGE_STATUS_COUNT) == static_cast<int>(Status::kCount));
  for (int value = 0; value < SOFTEDGE_STATUS_COUNT; ++value) {
    INFO("status " << value);
    CHECK(std::string(softedge_status_message(static_cast<softedge_status>(value))) ==
          softedge::status_message(static_cast<Status>(value)));
  }
  CHECK(std::string(softedge_status_message(SOFTEDGE_STATUS_COUNT)) == "unknown status");
}

TEST_CASE("C API: load, sizes and class names of float and int8 models" *
          fixtures::needs_every_layer_mode()) {
  for (const softedge::host::ModelSpec& spec :
       {fixtures::mnist_linear_spec(3), fixtures::mnist_int8_spec(4)}) {
    fixtures::LoadedModel cpp(spec);
    REQUIRE(cpp.status == Status::kOk);
    softedge_model model;
    REQUIRE(softedge_load(cpp.bytes.data(), cpp.bytes.size(), &model) == SOFTEDGE_OK);
    CHECK(softedge_input_size(&model) == 784);
    CHECK(softedge_num_classes(&model) == 10);
    CHECK(softedge_scratch_bytes(&model) == softedge::scratch_bytes(cpp.model));
    for (uint32_t c = 0; c < 10; ++c) {
      CHECK(std::string(softedge_class_name(&model, c)) == softedge::class_name(cpp.model, c));
    }
    CHECK(std::string(softedge_class_name(&model, 10)).empty());
  }
}

TEST_CASE("C API: infer_u8 and infer_batch_u8 equal the C++ calls bit for bit" *
          fixtures::needs_every_layer_mode()) {
  for (const softedge::host::ModelSpec& spec :
       {fixtures::mnist_linear_spec(7), fixtures::mnist_int8_spec(8)}) {
    fixtures::LoadedModel cpp(spec);
    REQUIRE(cpp.status == Status::kOk);
    softedge_model model;
    REQUIRE(softedge_load(cpp.bytes.data(), cpp.bytes.size(), &model) == SOFTEDGE_OK);
    constexpr size_t kImages = 5;
    const std::vector<uint8_t> pixels = fixtures::pixels(784 * kImages, 21);
    std::vector<uint8_t> scratch(softedge_scratch_bytes(&model));

    fixtures::with_each_runnable_active([&](const softedge::KernelSet& kernels) {
      CHECK(std::string(softedge_kernel_name()) == kernels.name);
      std::vector<float> expected(10 * kImages), got(10 * kImages);
      std::vector<uint32_t> expected_top(kImages), got_top(kImages, 99);
      REQUIRE(softedge::infer_batch_u8(cpp.model, pixels.data(), kImages, expected.data(),
                                       expected_top.data(), cpp.scratch.data(),
                                       cpp.scratch.size()) == Status::kOk);
      REQUIRE(softedge_infer_batch_u8(&model, pixels.data(), kImages, got.data(), got_top.data(),
                                      scratch.data(), scratch.size()) == SOFTEDGE_OK);
      CHECK(std::memcmp(expected.data(), got.data(), got.size() * sizeof(float)) == 0);
      CHECK(expected_top == got_top);

      for (size_t n = 0; n < kImages; ++n) {
        float probabilities[10];
        uint32_t top = 99;
        REQUIRE(softedge_infer_u8(&model, &pixels[784 * n], 784, probabilities, 10,
                                  scratch.data(), scratch.size(), &top) == SOFTEDGE_OK);
        CHECK(std::memcmp(probabilities, &expected[10 * n], sizeof probabilities) == 0);
        CHECK(top == expected_top[n]);
        // top_class may be null.
        CHECK(softedge_infer_u8(&model, &pixels[784 * n], 784, probabilities, 10, scratch.data(),
                                scratch.size(), nullptr) == SOFTEDGE_OK);
      }
    });
  }
}

TEST_CASE("C API: bad calls get the C++ statuses, and a failed load leaves an empty model" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel cpp(fixtures::mnist_linear_spec(9));
  REQUIRE(cpp.status == Status::kOk);
  softedge_model model;
  REQUIRE(softedge_load(cpp.bytes.data(), cpp.bytes.size(), &model) == SOFTEDGE_OK);
  const std::vector<uint8_t> pixels = fixtures::pixels(784, 2);
  std::vector<uint8_t> scratch(softedge_scratch_bytes(&model));
  float probabilities[10];
  uint32_t top = 0;

  CHECK(softedge_infer_u8(&model, pixels.data(), 783, probabilities, 10, scratch.data(),
                          scratch.size(), &top) == SOFTEDGE_SIZE_MISMATCH);
  CHECK(softedge_infer_u8(&model, pixels.data(), 784, probabilities, 9, scratch.data(),
                          scratch.size(), &top) == SOFTEDGE_SIZE_MISMATCH);
  CHECK(softedge_infer_u8(&model, pixels.data(), 784, probabilities, 10, scratch.data(),
                          scratch.size() - 1, &top) == SOFTEDGE_SCRATCH_TOO_SMALL);
  CHECK(softedge_infer_u8(&model, nullptr, 784, probabilities, 10, scratch.data(),
                          scratch.size(), &top) == SOFTEDGE_NULL_ARGUMENT);
  CHECK(softedge_infer_u8(nullptr, pixels.data(), 784, probabilities, 10, scratch.data(),
                          scratch.size(), &top) == SOFTEDGE_NULL_ARGUMENT);
  CHECK(softedge_infer_batch_u8(nullptr, pixels.data(), 1, probabilities, &top, scratch.data(),
                                scratch.size()) == SOFTEDGE_NULL_ARGUMENT);
  CHECK(softedge_load(cpp.bytes.data(), cpp.bytes.size(), nullptr) == SOFTEDGE_NULL_ARGUMENT);

  // A corrupted copy fails with the C++ status, and empties the model it was loaded into.
  std::vector<uint8_t> corrupted = cpp.bytes;
  corrupted[corrupted.size() - 1] ^= 0x40;
  softedge::Model cpp_model;
  const Status expected = softedge::load(corrupted.data(), corrupted.size(), &cpp_model);
  REQUIRE(expected != Status::kOk);
  CHECK(softedge_load(corrupted.data(), corrupted.size(), &model) ==
        static_cast<softedge_status>(expected));
  CHECK(softedge_input_size(&model) == 0);
  CHECK(softedge_num_classes(&model) == 0);
  CHECK(softedge_scratch_bytes(&model) == 0);
  CHECK(std::string(softedge_class_name(&model, 0)).empty());
  CHECK(softedge_infer_u8(&model, pixels.data(), 784, probabilities, 10, scratch.data(),
                          scratch.size(), &top) == SOFTEDGE_NULL_ARGUMENT);
  CHECK(softedge_input_size(nullptr) == 0);
  CHECK(std::string(softedge_class_name(nullptr, 0)).empty());
}

TEST_CASE("C API: kernels, version and format") {
  CHECK(softedge_force_kernel("no-such-kernel") == SOFTEDGE_UNKNOWN_KERNEL);
  REQUIRE(softedge_force_kernel("scalar") == SOFTEDGE_OK);
  CHECK(std::string(softedge_kernel_name()) == "scalar");
  REQUIRE(softedge_force_kernel("auto") == SOFTEDGE_OK);
  CHECK(std::string(softedge_kernel_name()) == softedge::active_kernels().name);

  CHECK(std::string(softedge_version()) == SOFTEDGE_VERSION_STRING);
  CHECK(std::string(SOFTEDGE_VERSION_STRING) ==
        std::to_string(SOFTEDGE_VERSION_MAJOR) + "." + std::to_string(SOFTEDGE_VERSION_MINOR) +
            "." + std::to_string(SOFTEDGE_VERSION_PATCH));
  CHECK(softedge_format_version() == softedge::format::kNewestVersion);
  CHECK(sizeof(softedge_model) >= sizeof(softedge::Model));
}
