// cli_harness.h — running softedge and softedge-train as a user would, and proving a failed
// command changed nothing: every file of a directory (name, kind, bytes) snapshotted before
// and compared after, so a changed output, a replaced symlink or a file left beside an
// output all show. Header-only (tests/cli/*.cpp glob).
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "host/host_fixtures.h"

namespace cli {

namespace fs = std::filesystem;
using fixtures::Bytes;

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

// `text` as one shell word.
inline std::string sh(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The binaries under test: this build's, or another's (SOFTEDGE_CLI_TOOL, SOFTEDGE_CLI_TRAIN),
// e.g. an older release's, to watch the reproductions fail there.
inline std::string binary(const char* variable, const char* built) {
  const char* other = std::getenv(variable);
  return sh(other != nullptr && other[0] != '\0' ? other : built);
}
inline std::string tool() { return binary("SOFTEDGE_CLI_TOOL", SOFTEDGE_TOOL_EXE); }
inline std::string trainer() { return binary("SOFTEDGE_CLI_TRAIN", SOFTEDGE_TRAIN_EXE); }

// Runs a shell command line (with a 60 s `timeout`: a hang fails instead of blocking CI),
// stdout and stderr captured in a directory of their own.
inline Result run(const std::string& command) {
  fixtures::TempDir capture("softedge-cli-capture");
  const fs::path out = capture.root() / "out", err = capture.root() / "err";
  const std::string line =
      "timeout 60 " + command + " >" + sh(out.string()) + " 2>" + sh(err.string());
  const int status = std::system(line.c_str());
  REQUIRE(WIFEXITED(status));
  const Bytes o = fixtures::read_bytes(out), e = fixtures::read_bytes(err);
  return {WEXITSTATUS(status), std::string(o.begin(), o.end()), std::string(e.begin(), e.end())};
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every entry of `dir` (recursively): name -> kind and content (a link's target, a file's bytes).
inline std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = fs::relative(entry.path(), dir).string();
    if (entry.is_symlink()) {
      entries[name] = "link:" + fs::read_symlink(entry.path()).string();
    } else if (entry.is_regular_file() && entry.file_size() > (size_t{16} << 20)) {
      // The sparse giants of the unbounded-read test: their size is enough.
      entries[name] = "big file:" + std::to_string(entry.file_size());
    } else if (entry.is_regular_file()) {
      const Bytes bytes = fixtures::read_bytes(entry.path());
      entries[name] = "file:" + std::string(bytes.begin(), bytes.end());
    } else {
      entries[name] = entry.is_directory() ? "dir" : "other";
    }
  }
  return entries;
}

// The checks every failing command must pass: exit status 1, the message names `file` (and
// holds `problem`), nothing on stdout, and every file in `dir` exactly as before.
inline void check_failed_cleanly(const Result& r, const std::string& file,
                                 const std::string& problem, const fs::path& dir,
                                 const std::map<std::string, std::string>& before) {
  INFO("stderr: " << r.err);
  INFO("stdout: " << r.out);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, file));
  CHECK(contains(r.err, problem));
  CHECK(r.out.empty());
  CHECK(snapshot(dir) == before);
}

}  // namespace cli
