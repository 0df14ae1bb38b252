// softedge/status.h — every runtime operation that can fail returns a Status.
#ifndef SOFTEDGE_STATUS_H
#define SOFTEDGE_STATUS_H

namespace softedge {

enum class Status : int {
  kOk = 0,
  kNullArgument,          // a required pointer was null
  kMisalignedBuffer,      // model bytes not 4-byte aligned
  kTruncated,             // fewer bytes than the header or the header's file size says
  kBadMagic,              // not a softedge model file
  kUnsupportedVersion,    // written by a newer (or unknown) format version
  kBadHeader,             // header size, file size field, flags or reserved fields wrong
  kChecksumMismatch,      // CRC-32 does not match: the file is corrupted
  kBadLayerTable,         // layer count, entry size or table position is wrong
  kBadDimensions,         // zero, too large, or layers that do not chain
  kBadTensorOffset,       // a tensor lies outside the file, is misaligned or overlaps
  kUnsupportedLayer,      // layer kind, activation or weight type this runtime lacks
  kNonFiniteWeights,      // a weight or bias is NaN or infinite
  kBadQuantization,       // int8: a scale not positive and finite, or a bias that could
                          // overflow the int32 accumulator
  kBadClassNames,         // class name block is not num_classes NUL-terminated names
  kBadPreprocessing,      // unknown input transform or non-finite scale/bias
  kSizeMismatch,          // caller's input or output count differs from the model's
  kScratchTooSmall,       // caller's scratch buffer is smaller than scratch_bytes()
  kNonFiniteLogits,       // input contained NaN/Inf (or overflowed): no probabilities
  kUnknownKernel,         // force_kernel: no kernel of that name
  kKernelUnavailable,     // force_kernel: this CPU (or OS) cannot run that kernel
  kLayerModeUnavailable,  // load: a layer mode, kind or activation this build leaves out
  kCount,                 // not a status: how many there are (softedge_c.h mirrors the list)
};

// A short English sentence for the status, never null.
const char* status_message(Status status);

}  // namespace softedge

#endif  // SOFTEDGE_STATUS_H
