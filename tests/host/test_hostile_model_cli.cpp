// test_hostile_model_cli.cpp — every crafted model of tests/runtime/hostile_models.h, handed to
// the `softedge` tool: exit 1, nothing on stdout, and on stderr one message naming the file
// with the text of the Status load() gives (status_message()). A few go through eval and
// predict as well, and through export-c/quantize, which must not write their output.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "runtime/hostile_models.h"
#include "softedge/status.h"

namespace fs = std::filesystem;

namespace {

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

std::string quoted(const std::string& text) { return "'" + text + "'"; }

RunResult run_tool(const fixtures::TempDir& dir, const std::string& args) {
  const fs::path out = dir.root() / "stdout.txt", err = dir.root() / "stderr.txt";
  const std::string line = quoted(SOFTEDGE_TOOL_EXE) + " " + args + " >" + quoted(out.string()) +
                           " 2>" + quoted(err.string());
  const int status = std::system(line.c_str());
  REQUIRE(WIFEXITED(status));
  const fixtures::Bytes o = fixtures::read_bytes(out), e = fixtures::read_bytes(err);
  return {WEXITSTATUS(status), std::string(o.begin(), o.end()), std::string(e.begin(), e.end())};
}

// "input 1024 x 1024 x 2 (above kMaxFeatures)" -> "input-1024-x-1024-x-2-above-kmaxfeatures.sedg"
std::string file_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out + ".sedg";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("hostile models: softedge inspect names the file and the problem, for every case") {
  fixtures::TempDir dir("softedge-hostile-cli");
  size_t reported = 0;
  const std::vector<fixtures::HostileCase> cases = fixtures::hostile_cases();
  for (const fixtures::HostileCase& c : cases) {
    const std::string path = (dir.root() / file_name(c.name)).string();
    fixtures::write_bytes(path, c.file);
    const RunResult r = run_tool(dir, "inspect " + quoted(path));
    INFO("case: " << c.name << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(contains(r.err, path + ": "));
    CHECK(contains(r.err, softedge::status_message(c.expected)));
    if (r.exit_code == 1 && contains(r.err, path) &&
        contains(r.err, softedge::status_message(c.expected))) {
      ++reported;
    }
  }
  MESSAGE("softedge inspect reported " << reported << " of " << cases.size()
                                       << " crafted files with the file name and the problem");
}

TEST_CASE("hostile models: eval, predict, export-c and quantize refuse them too") {
  fixtures::TempDir dir("softedge-hostile-cli2");
  for (const fixtures::HostileCase& c : fixtures::hostile_cases()) {
    const bool chosen = c.name == "newer version" ||
                        c.name == "input 65535 x 65535 x 65535 (product overflows 32 bits)" ||
                        c.name == "weights at 4 GiB - 64 (end wraps in 32 bits)" ||
                        c.name == "9 layers (above kMaxLayers)" ||
                        c.name == "bias overlaps the weights" ||
                        c.name == "weights 4 bytes off alignment";
    if (!chosen) continue;
    const std::string path = (dir.root() / file_name(c.name)).string();
    fixtures::write_bytes(path, c.file);
    const std::string out = (dir.root() / "out").string();
    for (const std::string& command :
         {"eval " + quoted(path), "predict --index 0 " + quoted(path),
          "export-c " + quoted(path) + " --out " + quoted(out),
          "quantize " + quoted(path) + " " + quoted(out) + " --no-calibration"}) {
      const RunResult r = run_tool(dir, command);
      INFO("case: " << c.name << "\ncommand: " << command << "\nstderr: " << r.err);
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, path + ": "));
      CHECK(contains(r.err, softedge::status_message(c.expected)));
      CHECK_FALSE(fs::exists(out));
    }
  }
}
