// fuzz_onnx.cpp — libFuzzer target: `softedge import` on any bytes, without the file system.
//
// Each input is parsed as an ONNX model (protobuf, then onnx::checker), converted, encoded with
// the model writer and checked through the runtime against the reference evaluation, exactly
// as the command does. Every rejection must be an OnnxImportError; anything else escaping (a
// std::invalid_argument from the writer would mean the importer let through a model the
// format cannot hold), a crash, a sanitizer report, a leak or a hang is a finding. A model
// that converts must load in the runtime (check_import throws otherwise).
#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "softedge/host/model_writer.h"
#include "softedge/tools/onnx_import.h"
#include "softedge/tools/onnx_import_check.h"

namespace {

using softedge::tools::OnnxImportError;

void import_bytes(const uint8_t* data, size_t size, const softedge::tools::ImportOptions& options) {
  try {
    const onnx::ModelProto model = softedge::tools::parse_onnx("fuzz.onnx", data, size);
    const softedge::tools::ImportedModel imported =
        softedge::tools::import_onnx(model, "fuzz.onnx", options);
    const std::vector<uint8_t> bytes = softedge::host::encode_model(imported.spec);
    softedge::tools::check_import(model, imported, bytes, "fuzz.onnx");
  } catch (const OnnxImportError&) {
    // A clear rejection: what the command prints before exiting 1.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  import_bytes(data, size, softedge::tools::ImportOptions{});
  // Again with an input shape given, which resolves dynamic dimensions (other code paths).
  if (size > 0) {
    softedge::tools::ImportOptions options;
    options.height = 1 + data[0] % 28;
    options.width = 4;
    options.channels = 1;
    import_bytes(data, size, options);
  }
  return 0;
}
