// CRC-32 with a table built at compile time (no start-up cost, lives in .rodata).
#include "softedge/crc32.h"

#include "softedge/format.h"

namespace softedge {
namespace {

// The CRC of `bits`-bit chunks: the table has 2^bits entries (bits 8: 1 KB; 4: 64 bytes and
// two lookups per byte, for size-first builds).
#if defined(SOFTEDGE_SIZE_FIRST)
constexpr uint32_t kBits = 4;
#else
constexpr uint32_t kBits = 8;
#endif
constexpr uint32_t kEntries = 1u << kBits;

struct Crc32Table {
  uint32_t entries[kEntries];
  constexpr Crc32Table() : entries() {
    for (uint32_t i = 0; i < kEntries; ++i) {
      uint32_t c = i;
      for (uint32_t bit = 0; bit < kBits; ++bit) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      entries[i] = c;
    }
  }
};
constexpr Crc32Table kTable;

}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size) {
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (uint32_t done = 0; done < 8; done += kBits) {
      crc = kTable.entries[crc & (kEntries - 1)] ^ (crc >> kBits);
    }
  }
  return ~crc;
}

uint32_t model_file_crc(const uint8_t* data, size_t file_size) {
  static const uint8_t kZeros[4] = {0, 0, 0, 0};
  constexpr size_t kField = format::header::kCrc32;
  uint32_t crc = crc32_update(0, data, kField);
  crc = crc32_update(crc, kZeros, sizeof kZeros);
  return crc32_update(crc, data + kField + 4, file_size - kField - 4);
}

}  // namespace softedge
