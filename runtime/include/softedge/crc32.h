// softedge/crc32.h — CRC-32 (IEEE 802.3, reflected 0xEDB88320), the checksum of model files.
#ifndef SOFTEDGE_CRC32_H
#define SOFTEDGE_CRC32_H

#include <stddef.h>
#include <stdint.h>

namespace softedge {

// Continues a CRC: pass 0 to start, then the previous result for each further chunk.
uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size);

}  // namespace softedge

#endif  // SOFTEDGE_CRC32_H
