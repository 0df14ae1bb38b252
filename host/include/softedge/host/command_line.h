// softedge/host/command_line.h — the one command-line parser of softedge-train and the softedge
// tool (on CLI11), so both binaries follow the same rules:
//
// - long options only: `--name VALUE`, `--name=VALUE` (`--name=`: the empty value), flags
//   (`--json`; `--json=x` is refused, though CLI11 lets `--json=true` through);
// - no abbreviations: `--ep` is not `--epochs` (it is an unknown option, with a suggestion);
// - a repeated option: the last one wins; `--` ends the options;
// - numbers are decimal and range-checked here, once, with the option named in the message;
// - every mistake throws UsageError: the caller prints it (usage_error_text) and exits 2.
//
// `--help` / `-h` are not options here: a binary asks asks_for_help() first and prints its
// own hand-written help text.
#ifndef SOFTEDGE_HOST_COMMAND_LINE_H
#define SOFTEDGE_HOST_COMMAND_LINE_H

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace softedge {
namespace host {

constexpr int kExitUsage = 2;  // the exit status of a usage error, in both binaries

// Bad usage: an unknown option, a missing or bad value, a wrong argument count.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True when "--help" or "-h" comes before any "--" (whatever else is wrong with `args`).
bool asks_for_help(const std::vector<std::string>& args);

// How both binaries report a UsageError on stderr:
//   PROGRAM: MESSAGE
//   usage: SYNOPSIS
//   (see 'PROGRAM --help')
std::string usage_error_text(const std::string& program, const std::string& message,
                             const std::string& synopsis);

// A decimal whole number (digits only: no sign, space or 0x) in [min, max], given for
// `option` (e.g. "--top"). Throws UsageError naming the option, the range and the text.
uint64_t parse_whole(const std::string& text, const std::string& option, uint64_t min,
                     uint64_t max);

// A finite decimal number (e.g. "0.2860", "-1e-3"; no nan, inf or hexadecimal), above 0 if
// `positive`. Throws UsageError.
double parse_number(const std::string& text, const std::string& option, bool positive = false);

// The options and positional arguments one command accepts, bound to the caller's variables.
// A variable keeps its value when its option is not given. Names are without the "--".
class CommandLine {
 public:
  CommandLine();
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  CommandLine& text(const std::string& name, std::string* value);  // --name VALUE, as given
  CommandLine& flag(const std::string& name, bool* value);         // --name: true
  CommandLine& whole(const std::string& name, uint32_t* value, uint32_t min, uint32_t max);
  CommandLine& whole(const std::string& name, uint64_t* value, uint64_t min, uint64_t max);
  // A float read as a float (strtof: one rounding, so --lr 0.1 is the float nearest 0.1).
  CommandLine& number(const std::string& name, float* value, bool positive = false);
  // The arguments that are not options, in order. Without this, any is a UsageError.
  CommandLine& positional(std::vector<std::string>* values);

  // Reads `args` (the program or command name left out) into the variables. Throws
  // UsageError; the variables are then partly set.
  void parse(const std::vector<std::string>& args);

  // Whether --name was given (after parse).
  bool given(const std::string& name) const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;  // CLI11 stays out of this header: it is slow to compile
};

}  // namespace host
}  // namespace softedge

#endif
