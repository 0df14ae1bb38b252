// gunzip.cpp — libdeflate for speed, zlib for the diagnosis.
//
// libdeflate decompresses a whole buffer 2-3x faster than zlib's streaming inflate() (the
// training set's 26 MB of gzip is most of softedge-train's start-up), but it needs the output
// size up front and reports every failure alike. The gzip trailer gives the size; whenever
// libdeflate does not finish cleanly on exactly that (a lying trailer, concatenated members,
// trailing bytes, a corrupt or truncated stream), zlib decompresses again and says what is
// wrong. So the result and every error message are zlib's; only the time changes.
#include "gunzip.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <memory>

#include "softedge/host/file_io.h"
#include "softedge/host/idx_reader.h"

namespace softedge {
namespace host {
namespace {

uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// Decompressing with zlib's inflate() rather than gzread() lets us tell a corrupt stream from a
// truncated one, and reject bytes after the gzip stream.
std::vector<uint8_t> inflate_with_zlib(const uint8_t* in, size_t in_size, const std::string& path,
                                       size_t max_bytes) {
  if (in_size > UINT_MAX) throw DataError(path + ": too large for zlib");
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {  // 16+: expect a gzip wrapper, check CRC
    throw DataError(path + ": cannot initialise zlib");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> cleanup(&zs, &inflateEnd);

  // The gzip trailer's last 4 bytes hold the size mod 2^32: a good first guess, capped by
  // deflate's best ratio (~1032:1) so a lying trailer cannot make us allocate much.
  // The +1 leaves room to see the end of the stream without growing the buffer.
  uint64_t guess = uint64_t{1} << 16;
  if (in_size >= 18) {
    guess = std::min(uint64_t{in_size} * 1032, uint64_t{le32(in + in_size - 4)} + 1);
  }
  std::vector<uint8_t> out(static_cast<size_t>(std::min<uint64_t>(guess, max_bytes + 1)));
  size_t produced = 0;
  zs.next_in = const_cast<Bytef*>(in);
  zs.avail_in = static_cast<uInt>(in_size);
  for (;;) {
    if (produced == out.size()) {
      if (out.size() > max_bytes) {
        throw DataError(path + ": too large: decompresses to more than " +
                        std::to_string(max_bytes) + " bytes, not a Fashion-MNIST file");
      }
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, UINT_MAX));
    const int ret = inflate(&zs, Z_NO_FLUSH);
    produced = static_cast<size_t>(zs.next_out - out.data());
    if (ret == Z_OK) continue;
    if (ret == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Concatenated gzip members are valid gzip (gunzip reads them all); anything else is junk.
      if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      throw DataError(path + ": trailing garbage: " + std::to_string(zs.avail_in) +
                      " bytes after the end of the gzip stream");
    }
    if (ret == Z_BUF_ERROR) {  // no progress possible: the input ran out mid-stream
      throw DataError(path + ": truncated gzip stream: input ended after " +
                      std::to_string(in_size) + " compressed bytes (" +
                      std::to_string(produced) + " bytes decompressed so far)");
    }
    if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT) {
      throw DataError(path + ": corrupt gzip data: " + (zs.msg ? zs.msg : "invalid stream") +
                      " (after " + std::to_string(produced) + " bytes decompressed)");
    }
    if (ret == Z_MEM_ERROR) throw DataError(path + ": out of memory while decompressing");
    throw DataError(path + ": zlib error " + std::to_string(ret) + " while decompressing");
  }
  out.resize(produced);
  return out;
}

// The whole stream by libdeflate into a buffer of the trailer's size; false when that does not
// give exactly one member ending at the end of the input.
bool inflate_with_libdeflate(const uint8_t* in, size_t in_size, size_t max_bytes,
                             std::vector<uint8_t>* out) {
  if (in_size < 18) return false;  // shorter than a gzip header and trailer
  const uint64_t size = le32(in + in_size - 4);  // ISIZE: the size mod 2^32
  // Deflate's best ratio is ~1032:1: a larger claim is a lie, and zlib will say so.
  if (size > max_bytes || size > uint64_t{in_size} * 1032) return false;
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> decompressor(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (!decompressor) return false;
  *out = huge_page_bytes(static_cast<size_t>(size));
  size_t in_used = 0, produced = 0;
  const libdeflate_result result = libdeflate_gzip_decompress_ex(
      decompressor.get(), in, in_size, out->data(), out->size(), &in_used, &produced);
  return result == LIBDEFLATE_SUCCESS && in_used == in_size && produced == out->size();
}

}  // namespace

std::vector<uint8_t> gunzip(const uint8_t* gzip, size_t size, const std::string& path,
                            size_t max_bytes) {
  std::vector<uint8_t> out;
  if (inflate_with_libdeflate(gzip, size, max_bytes, &out)) return out;
  return inflate_with_zlib(gzip, size, path, max_bytes);
}

}  // namespace host
}  // namespace softedge
