#include <doctest/doctest.h>

#include <cstring>

#include "softedge/crc32.h"

TEST_CASE("crc32 matches the IEEE check value and can be computed in pieces") {
  const char* text = "123456789";
  const auto* bytes = reinterpret_cast<const uint8_t*>(text);
  CHECK(softedge::crc32_update(0, bytes, 9) == 0xCBF43926u);  // the standard check value
  const uint32_t first = softedge::crc32_update(0, bytes, 4);
  CHECK(softedge::crc32_update(first, bytes + 4, 5) == 0xCBF43926u);
  CHECK(softedge::crc32_update(0, bytes, 0) == 0u);
}
