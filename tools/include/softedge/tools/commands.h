// softedge/tools/commands.h — the subcommands of the `softedge` tool. main.cpp dispatches to them;
// each cmd_*.cpp defines one.
#ifndef SOFTEDGE_TOOLS_COMMANDS_H
#define SOFTEDGE_TOOLS_COMMANDS_H

#include <string>
#include <vector>

#include "softedge/host/command_line.h"

namespace softedge {
namespace tools {

// What a command throws for bad usage (main prints it with the command's synopsis, exit 2).
using host::UsageError;

struct Command {
  const char* name;
  const char* summary;   // one line for `softedge --help`
  const char* synopsis;  // e.g. "softedge eval MODEL [--data DIR] [--json]"
  const char* details;   // the options, for `softedge NAME --help`
  // `args` are the arguments after NAME (never "--help"), read with host::CommandLine.
  // Returns the exit code. Throws UsageError for bad usage (exit 2) and std::exception for
  // failures (exit 1).
  int (*run)(const std::vector<std::string>& args);
};

extern const Command kEvalCommand;
extern const Command kPredictCommand;
extern const Command kInspectCommand;
extern const Command kQuantizeCommand;
extern const Command kExportCCommand;
extern const Command kGalleryCommand;
extern const Command kImportCommand;      // cmd_import.cpp (softedge_onnx_lib)
extern const Command kExportOnnxCommand;  // cmd_export_onnx.cpp (softedge_onnx_lib)

}  // namespace tools
}  // namespace softedge

#endif
