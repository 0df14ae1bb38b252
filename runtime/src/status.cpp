#include "softedge/status.h"

#include <string.h>

namespace softedge {
namespace {

// The messages back to back in Status order, each ending in NUL, "unknown status" last (for
// kCount and anything else): one string and a walk to the index. A switch or a table of
// pointers costs more flash than the walk (on aarch64, 12 bytes of code or 8 of pointer per
// status), and a message is asked for once, after a failure.
constexpr char kMessages[] =
    "ok\0"
    "a required pointer is null\0"
    "model bytes are not 4-byte aligned\0"
    "truncated: fewer bytes than the header says\0"
    "not a softedge model (bad magic)\0"
    "unsupported format version (newer than this runtime)\0"
    "bad header (size, flags or reserved fields)\0"
    "checksum mismatch: the file is corrupted\0"
    "bad layer table (count, entry size or position)\0"
    "bad dimensions (zero, too large, or layers that do not chain)\0"
    "tensor outside the file, misaligned or overlapping\0"
    "unsupported layer kind, activation or weight type\0"
    "weights contain NaN or infinity\0"
    "bad int8 layer: a scale not positive and finite, or a bias that could overflow\0"
    "bad class names block\0"
    "bad input preprocessing\0"
    "input or output size differs from the model's\0"
    "scratch buffer smaller than scratch_bytes()\0"
    "input is NaN or infinite (or overflowed): no prediction\0"
    "no kernel of that name\0"
    "this CPU cannot run that kernel\0"
    "this build leaves out a layer mode or kind the model uses\0"
    "unknown status";

constexpr int count_messages(const char* text, size_t size) {
  int count = 0;
  for (size_t i = 0; i < size; ++i) count += text[i] == '\0';
  return count;
}
// One message per status and one for "unknown" (the string's own final NUL ends it).
static_assert(count_messages(kMessages, sizeof kMessages) == static_cast<int>(Status::kCount) + 1,
              "kMessages needs exactly one message per Status, in order, then \"unknown status\"");

}  // namespace

const char* status_message(Status status) {
  const unsigned value = static_cast<unsigned>(status);  // negative values become large
  const unsigned index = value < static_cast<unsigned>(Status::kCount)
                             ? value
                             : static_cast<unsigned>(Status::kCount);
  const char* message = kMessages;
  for (unsigned i = 0; i < index; ++i) message += strlen(message) + 1;
  return message;
}

}  // namespace softedge
