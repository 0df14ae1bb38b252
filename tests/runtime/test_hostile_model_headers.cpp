// test_hostile_model_headers.cpp — crafted model files (hostile_models.h), one defect each and
// a valid CRC, are each rejected with the Status docs/FORMAT.md gives for that check; every
// Status has its own message. Runs on every target (desktop, ASan, qemu x86 and ARM).
#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "hostile_models.h"
#include "layer_mode_skip.h"
#include "softedge/inference.h"
#include "softedge/model.h"
#include "softedge/status.h"

using softedge::Status;
namespace fmt = softedge::format;

namespace {

// 4-byte aligned (std::vector's storage is), exactly the file's size.
Status load_file(const std::vector<uint8_t>& file, softedge::Model* model) {
  return softedge::load(file.data(), file.size(), model);
}

}  // namespace

TEST_CASE("hostile headers: each crafted defect is rejected with its own status" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<fixtures::HostileCase> cases = fixtures::hostile_cases();
  std::set<int> statuses;
  size_t rejected = 0;
  for (const fixtures::HostileCase& c : cases) {
    INFO("case: " << c.name);
    softedge::Model model;
    std::memset(&model, 0x5A, sizeof model);
    const Status status = load_file(c.file, &model);
    CHECK(static_cast<int>(status) == static_cast<int>(c.expected));
    CHECK(model.layer_count == 0);  // nothing half-loaded
    if (status != Status::kOk) ++rejected;
    statuses.insert(static_cast<int>(status));
  }
  MESSAGE(cases.size() << " crafted files, " << rejected << " rejected, with "
                       << statuses.size() << " different statuses");
  CHECK(rejected == cases.size());
  CHECK(cases.size() >= 80);
}

TEST_CASE("hostile headers: the unmodified bases load (the edits are what is rejected)" *
          fixtures::needs_every_layer_mode()) {
  namespace d = fixtures::hostile_detail;
  for (const std::vector<uint8_t>& file : {d::tiny_float(), d::tiny_int8(), d::two_layers()}) {
    softedge::Model model;
    CHECK(load_file(file, &model) == Status::kOk);
  }
  // The lookup-table base: the table is applied before the int8 layer reads the pixels.
  const std::vector<uint8_t> lut = d::int8_with_lut();
  softedge::Model model;
  REQUIRE(load_file(lut, &model) == Status::kOk);
  REQUIRE(model.input_lut != nullptr);
  CHECK(model.input_lut[0] == 255);
  CHECK(model.input_lut[255] == 0);
}

TEST_CASE("hostile headers: buffer alignment and null arguments" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> good = fixtures::hostile_detail::tiny_float();
  std::vector<uint8_t> shifted(good.size() + 4);
  softedge::Model model;
  for (size_t offset = 1; offset < 4; ++offset) {
    std::memcpy(shifted.data() + offset, good.data(), good.size());
    CHECK(softedge::load(shifted.data() + offset, good.size(), &model) == Status::kMisalignedBuffer);
  }
  CHECK(softedge::load(nullptr, good.size(), &model) == Status::kNullArgument);
  CHECK(softedge::load(good.data(), good.size(), nullptr) == Status::kNullArgument);
  CHECK(softedge::load(good.data(), 0, &model) == Status::kTruncated);
}

TEST_CASE("hostile headers: every status has its own message") {
  std::set<std::string> messages;
  for (int value = static_cast<int>(Status::kOk);
       value < static_cast<int>(Status::kCount); ++value) {
    const char* message = softedge::status_message(static_cast<Status>(value));
    REQUIRE(message != nullptr);
    INFO("status " << value << ": " << message);
    CHECK(std::strlen(message) > 0);
    CHECK(std::string(message) != "unknown status");
    messages.insert(message);
  }
  CHECK(messages.size() == static_cast<size_t>(Status::kCount));
}
