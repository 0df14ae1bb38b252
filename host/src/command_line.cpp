// command_line.cpp — see command_line.h.
#include "softedge/host/command_line.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <list>

namespace softedge {
namespace host {

bool asks_for_help(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

std::string usage_error_text(const std::string& program, const std::string& message,
                             const std::string& synopsis) {
  return program + ": " + message + "\nusage: " + synopsis + "\n(see '" + program +
         " --help')\n";
}

uint64_t parse_whole(const std::string& text, const std::string& option, uint64_t min,
                     uint64_t max) {
  // strtoull alone would accept " 12", "+12" and "-1" (wrapping around); insist on digits.
  bool digits_only = !text.empty() && text.size() <= 20;
  for (char c : text) digits_only = digits_only && c >= '0' && c <= '9';
  errno = 0;
  const unsigned long long value = digits_only ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits_only || errno != 0 || value < min || value > max) {
    // Only a bound a person could hit is worth stating.
    const std::string range =
        max < 1000000 ? " from " + std::to_string(min) + " to " + std::to_string(max)
        : min > 0     ? " of at least " + std::to_string(min)
                      : "";
    throw UsageError(option + " expects a whole number" + range + ", not '" + text + "'");
  }
  return value;
}

namespace {

// The checks parse_number and the float reader share; `read` converts the checked text.
template <typename T>
T parse_real(const std::string& text, const std::string& option, bool positive,
             T (*read)(const char*, char**)) {
  // strtod alone would accept leading spaces, "nan", "inf" and hexadecimal numbers.
  bool plain = !text.empty() && text.size() <= 64;
  for (char c : text) {
    plain = plain && ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' ||
                      c == 'E');
  }
  char* end = nullptr;
  errno = 0;
  const T value = plain ? read(text.c_str(), &end) : T(0);
  if (!plain || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value)) {
    throw UsageError(option + " expects a number, not '" + text + "'");
  }
  if (positive && !(value > 0)) throw UsageError(option + " must be positive, not '" + text + "'");
  return value;
}

}  // namespace

double parse_number(const std::string& text, const std::string& option, bool positive) {
  return parse_real<double>(text, option, positive, std::strtod);
}

struct CommandLine::Parts {
  CLI::App app;
  std::vector<std::string> names;        // every option, for "did you mean"
  std::vector<std::string> value_names;  // the options that take a value
  bool takes_positionals = false;
  // Typed options: CLI11 collects their text; `check` converts it after the parse. (CLI11
  // 2.1's own conversion reads 010 as octal and wraps -1 around for unsigned types.)
  struct Typed {
    std::string name;
    std::string text;
    std::function<void(const std::string& text, const std::string& option)> check;
  };
  std::list<Typed> typed;  // a list: CLI11 holds pointers to the texts
};

CommandLine::CommandLine() : parts_(new Parts) {
  parts_->app.set_help_flag();  // --help is the caller's (asks_for_help)
  parts_->app.allow_extras();   // unknown arguments are reported here, in our words
}

CommandLine::~CommandLine() = default;

CommandLine& CommandLine::text(const std::string& name, std::string* value) {
  parts_->app.add_option("--" + name, *value)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  parts_->names.push_back(name);
  parts_->value_names.push_back(name);
  return *this;
}

CommandLine& CommandLine::flag(const std::string& name, bool* value) {
  parts_->app.add_flag("--" + name, *value)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->disable_flag_override();
  parts_->names.push_back(name);
  return *this;
}

CommandLine& CommandLine::whole(const std::string& name, uint32_t* value, uint32_t min,
                                uint32_t max) {
  parts_->typed.push_back({name, "", [=](const std::string& text, const std::string& option) {
                             *value = static_cast<uint32_t>(parse_whole(text, option, min, max));
                           }});
  return text(name, &parts_->typed.back().text);
}

CommandLine& CommandLine::whole(const std::string& name, uint64_t* value, uint64_t min,
                                uint64_t max) {
  parts_->typed.push_back({name, "", [=](const std::string& text, const std::string& option) {
                             *value = parse_whole(text, option, min, max);
                           }});
  return text(name, &parts_->typed.back().text);
}

CommandLine& CommandLine::number(const std::string& name, float* value, bool positive) {
  parts_->typed.push_back({name, "", [=](const std::string& text, const std::string& option) {
                             *value = parse_real<float>(text, option, positive, std::strtof);
                           }});
  return text(name, &parts_->typed.back().text);
}

CommandLine& CommandLine::positional(std::vector<std::string>* values) {
  parts_->app.add_option("arguments", *values);
  parts_->takes_positionals = true;
  return *this;
}

void CommandLine::parse(const std::vector<std::string>& args) {
  // CLI11 reads "--out=" as "--out" and takes the next argument as its value (a file named
  // "--json" from `--out= --json`): "--out=" becomes "--out" "" first. Not where it is itself
  // a value ("--data --out=") or after "--".
  const auto takes_value = [this](const std::string& arg, size_t name_end) {
    if (arg.compare(0, 2, "--") != 0) return false;
    const std::string name = arg.substr(2, name_end - 2);
    return std::find(parts_->value_names.begin(), parts_->value_names.end(), name) !=
           parts_->value_names.end();
  };
  std::vector<std::string> tokens;
  bool is_value = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!is_value && arg == "--") {
      tokens.insert(tokens.end(), args.begin() + i, args.end());
      break;
    }
    const size_t equals = arg.find('=');
    const bool empty_value = !is_value && equals + 1 == arg.size() && takes_value(arg, equals);
    is_value = !is_value && equals == std::string::npos && takes_value(arg, arg.size());
    tokens.push_back(empty_value ? arg.substr(0, equals) : arg);
    if (empty_value) tokens.emplace_back();
  }

  CLI::App& app = parts_->app;
  try {
    app.parse(std::vector<std::string>(tokens.rbegin(), tokens.rend()));  // CLI11 pops the back
  } catch (const CLI::ArgumentMismatch& e) {
    // The two mismatches left with these settings; CLI11's message starts with the option
    // ("--out: 1 required TEXT missing", "json was given a disallowed flag override").
    const std::string what = e.what();
    const std::string name = what.substr(0, what.find_first_of(": "));
    const std::string option = "'" + (name.compare(0, 2, "--") == 0 ? name : "--" + name) + "'";
    if (what.find("flag override") != std::string::npos) {
      throw UsageError("option " + option + " takes no value");
    }
    throw UsageError("option " + option + " needs a value");
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());  // not expected with these settings
  }

  bool after_separator = false;
  for (const std::string& extra : app.remaining()) {
    if (extra == "--" && !after_separator) {  // CLI11 keeps the separator among the extras
      after_separator = true;
      continue;
    }
    if (after_separator || extra.size() < 2 || extra[0] != '-') {
      throw UsageError("unexpected argument '" + extra + "'");
    }
    const std::string option = extra.substr(0, extra.find('='));
    // An abbreviation is refused, but the options it abbreviates are named.
    std::vector<std::string> meant;
    for (const std::string& name : parts_->names) {
      if (option.size() > 2 && ("--" + name).compare(0, option.size(), option) == 0) {
        meant.push_back("--" + name);
      }
    }
    std::string suggestion;
    for (size_t i = 0; i < meant.size(); ++i) {
      suggestion += (i == 0 ? " (did you mean " : i + 1 < meant.size() ? ", " : " or ") + meant[i];
    }
    throw UsageError("unknown option '" + option + "'" + (meant.empty() ? "" : suggestion + "?)"));
  }

  for (const Parts::Typed& typed : parts_->typed) {
    if (given(typed.name)) typed.check(typed.text, "--" + typed.name);
  }
}

bool CommandLine::given(const std::string& name) const {
  return parts_->app.count("--" + name) > 0;
}

}  // namespace host
}  // namespace softedge
