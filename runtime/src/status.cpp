#include "softedge/status.h"

namespace softedge {

const char* status_message(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kNullArgument: return "a required pointer is null";
    case Status::kMisalignedBuffer: return "model bytes are not 4-byte aligned";
    case Status::kTruncated: return "truncated: fewer bytes than the header says";
    case Status::kBadMagic: return "not a softedge model (bad magic)";
    case Status::kUnsupportedVersion: return "unsupported format version (newer than this runtime)";
    case Status::kBadHeader: return "bad header (size, flags or reserved fields)";
    case Status::kChecksumMismatch: return "checksum mismatch: the file is corrupted";
    case Status::kBadLayerTable: return "bad layer table (count, entry size or position)";
    case Status::kBadDimensions: return "bad dimensions (zero, too large, or layers that do not chain)";
    case Status::kBadTensorOffset: return "tensor outside the file, misaligned or overlapping";
    case Status::kUnsupportedLayer: return "unsupported layer kind, activation or weight type";
    case Status::kNonFiniteWeights: return "weights contain NaN or infinity";
    case Status::kBadQuantization:
      return "bad int8 layer: a scale not positive and finite, or a bias that could overflow";
    case Status::kBadClassNames: return "bad class names block";
    case Status::kBadPreprocessing: return "bad input preprocessing";
    case Status::kSizeMismatch: return "input or output size differs from the model's";
    case Status::kScratchTooSmall: return "scratch buffer smaller than scratch_bytes()";
    case Status::kNonFiniteLogits: return "input is NaN or infinite (or overflowed): no prediction";
    case Status::kUnknownKernel: return "no kernel of that name";
    case Status::kKernelUnavailable: return "this CPU cannot run that kernel";
    case Status::kCount: break;
  }
  return "unknown status";
}

}  // namespace softedge
