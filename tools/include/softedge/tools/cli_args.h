// softedge/tools/cli_args.h — the one command-line parser of the softedge tool: long options
// (`--name value`, `--name=value`, flags) and positional arguments.
#ifndef SOFTEDGE_TOOLS_CLI_ARGS_H
#define SOFTEDGE_TOOLS_CLI_ARGS_H

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace softedge {
namespace tools {

// Bad usage (unknown option, missing value, wrong argument count): main prints the
// message with the command's synopsis and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  const char* name;  // without the leading "--"
  bool takes_value;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // name -> value ("" for flags); last one wins

  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::string value(const std::string& name, const std::string& fallback = "") const;
};

// Everything after a bare "--" is positional. Throws UsageError.
ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& spec);

// A decimal whole number in [min, max] given for `option` (e.g. "--top"). Throws UsageError.
uint32_t parse_uint(const std::string& text, const std::string& option, uint32_t min,
                    uint32_t max);

// A finite decimal number (e.g. "0.2860", "-1e-3") given for `option`. Throws UsageError.
double parse_number(const std::string& text, const std::string& option);

}  // namespace tools
}  // namespace softedge

#endif
