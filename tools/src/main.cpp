// main.cpp — the `softedge` command-line tool: dispatches to the subcommands in commands.h.
//
// Conventions (docs/DEVELOPING.md): --help everywhere, long options, errors on stderr; exit 0 on
// success, 1 on failure, 2 on bad usage.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "softedge/host/command_line.h"
#include "softedge/host/kernel_override.h"
#include "softedge/host/version_banner.h"
#include "softedge/tools/commands.h"

namespace {

using softedge::tools::Command;

const Command* const kCommands[] = {
    &softedge::tools::kEvalCommand,
    &softedge::tools::kPredictCommand,
    &softedge::tools::kInspectCommand,
    &softedge::tools::kQuantizeCommand,
    &softedge::tools::kExportCCommand,
    &softedge::tools::kGalleryCommand,
#if SOFTEDGE_HAVE_ONNX  // desktop builds (tools/CMakeLists.txt: SOFTEDGE_ONNX)
    &softedge::tools::kImportCommand,
    &softedge::tools::kExportOnnxCommand,
#endif
};

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: softedge COMMAND [ARGS...]\n"
               "       softedge COMMAND --help   (or: softedge help COMMAND)\n"
               "       softedge --version\n"
               "\n"
               "Evaluate, run, inspect, quantize and picture .sedg models for Fashion-MNIST.\n"
               "SOFTEDGE_KERNEL=NAME in the environment forces a runtime kernel set.\n"
               "\n"
               "commands:\n");
  for (const Command* command : kCommands) {
    std::fprintf(out, "  %-11s %s\n", command->name, command->summary);
  }
}

const Command* find_command(const std::string& name) {
  for (const Command* candidate : kCommands) {
    if (name == candidate->name) return candidate;
  }
  return nullptr;
}

int unknown_command(const std::string& name) {
  std::fprintf(stderr, "softedge: unknown command '%s' (see 'softedge --help')\n", name.c_str());
  return 2;
}

void print_command_help(const Command& command) {
  std::printf("usage: %s\n\n%s", command.synopsis, command.details);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(stderr);
    return 2;
  }
  if (args[0] == "help" && args.size() == 2) {  // softedge help COMMAND
    const Command* command = find_command(args[1]);
    if (command == nullptr) return unknown_command(args[1]);
    print_command_help(*command);
    return 0;
  }
  if (args[0] == "--help" || args[0] == "-h" || (args[0] == "help" && args.size() == 1)) {
    print_usage(stdout);
    return 0;
  }
  if (args[0] == "help") {
    std::fprintf(stderr, "softedge help: expected at most one COMMAND\n");
    return 2;
  }
  if (args[0] == "--version") {
    std::fputs(softedge::host::version_banner("softedge").c_str(), stdout);
    return 0;
  }

  const Command* command = find_command(args[0]);
  if (command == nullptr) return unknown_command(args[0]);

  args.erase(args.begin());
  if (softedge::host::asks_for_help(args)) {
    print_command_help(*command);
    return 0;
  }

  try {
    softedge::host::apply_kernel_override();
    return command->run(args);
  } catch (const softedge::host::UsageError& e) {
    const std::string program = std::string("softedge ") + command->name;
    std::fputs(softedge::host::usage_error_text(program, e.what(), command->synopsis).c_str(),
               stderr);
    return softedge::host::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "softedge %s: %s\n", command->name, e.what());
    return 1;
  }
}
