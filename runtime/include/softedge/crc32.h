// softedge/crc32.h — CRC-32 (IEEE 802.3, reflected 0xEDB88320), the checksum of model files.
#ifndef SOFTEDGE_CRC32_H
#define SOFTEDGE_CRC32_H

#include <stddef.h>
#include <stdint.h>

namespace softedge {

// Continues a CRC: pass 0 to start, then the previous result for each further chunk.
uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size);

// The checksum of a model file (format.h): CRC-32 of its first `file_size` bytes with the
// 4 bytes of the crc field counted as zeros. file_size must be at least the header size.
uint32_t model_file_crc(const uint8_t* data, size_t file_size);

}  // namespace softedge

#endif  // SOFTEDGE_CRC32_H
