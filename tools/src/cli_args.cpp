// cli_args.cpp — see cli_args.h.
#include "softedge/tools/cli_args.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace softedge {
namespace tools {

std::string ParsedArgs::value(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& spec) {
  ParsedArgs parsed;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      parsed.positional.push_back(arg);  // includes "-" by itself
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    if (arg.compare(0, 2, "--") != 0) throw UsageError("unknown option '" + arg + "'");

    size_t equals = arg.find('=');
    std::string name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    const OptionSpec* option = nullptr;
    for (const OptionSpec& candidate : spec) {
      if (name == candidate.name) option = &candidate;
    }
    if (option == nullptr) throw UsageError("unknown option '--" + name + "'");

    if (!option->takes_value) {
      if (equals != std::string::npos) throw UsageError("option '--" + name + "' takes no value");
      parsed.options[name] = "";
    } else if (equals != std::string::npos) {
      parsed.options[name] = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      parsed.options[name] = args[++i];
    } else {
      throw UsageError("option '--" + name + "' needs a value");
    }
  }
  return parsed;
}

uint32_t parse_uint(const std::string& text, const std::string& option, uint32_t min,
                    uint32_t max) {
  // strtoul alone would accept " 12", "+12" and "-1" (wrapping around); insist on digits.
  bool digits_only = !text.empty() && text.size() <= 10;
  for (char c : text) digits_only = digits_only && c >= '0' && c <= '9';
  errno = 0;
  unsigned long long value = digits_only ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits_only || errno != 0 || value < min || value > max) {
    // Only a bound a person could hit is worth stating.
    std::string range = max >= 1000000
                            ? "of at least " + std::to_string(min)
                            : "from " + std::to_string(min) + " to " + std::to_string(max);
    throw UsageError(option + " expects a whole number " + range + ", not '" + text + "'");
  }
  return static_cast<uint32_t>(value);
}

double parse_number(const std::string& text, const std::string& option) {
  // strtod alone would accept leading spaces, "nan", "inf" and hexadecimal floats.
  bool plain = !text.empty() && text.size() <= 64;
  for (char c : text) plain = plain && (std::isdigit(static_cast<unsigned char>(c)) ||
                                        c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E');
  char* end = nullptr;
  errno = 0;
  const double value = plain ? std::strtod(text.c_str(), &end) : 0.0;
  if (!plain || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value)) {
    throw UsageError(option + " expects a number, not '" + text + "'");
  }
  return value;
}

}  // namespace tools
}  // namespace softedge
