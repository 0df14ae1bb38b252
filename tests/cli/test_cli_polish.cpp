// test_cli_polish.cpp — issue 14's polish: the JSON of every subcommand parses and holds no
// -1 sentinel, softedge-train's JSON records the real command line and every setting, and the
// progress bar never writes an escape code where it must not. Issue 13: both binaries read
// their command lines by the same rules (softedge/host/command_line.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_fixtures.h"
#include "cli_harness.h"
#include "softedge/train/progress_bar.h"

using cli::contains;
using cli::run;
using cli::sh;

namespace {

// `command`'s stdout through check_json.py with the keys it must hold: the parsed document
// (re-serialised) or a failed check.
std::string checked_json(const std::string& command, const std::string& keys) {
  const std::string checker = sh(std::string(SOFTEDGE_CLI_SOURCE_DIR) + "/check_json.py");
  const cli::Result r = run(command + " 2>/dev/null | /usr/bin/python3 " + checker + " " + keys);
  INFO(command);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("cli polish: every subcommand's JSON parses, with null where a figure is unknown") {
  fixtures::TempDir dir("softedge-cli-json");
  const std::string data = cli::data_dir(dir);
  const std::string model = cli::write_model(dir, "m.sedg", cli::model_spec());
  const std::string d = " --data " + sh(data);
  checked_json(cli::tool() + " inspect --json " + sh(model), "model classes layers");
  checked_json(cli::tool() + " eval --json " + sh(model) + d, "accuracy");
  checked_json(cli::tool() + " predict --json --index 3 " + sh(model) + d, "");
  checked_json(cli::tool() + " quantize --json " + sh(model) + " " + sh(dir.path() + "/q.sedg") + d,
               "float_accuracy int8_accuracy agreement");

  // softedge-train: the command line as given, every setting, no per-epoch test accuracy when
  // the epoch is chosen on validation, and null (not -1) for the lesson's missing validation.
  const std::string out = " --out " + sh(dir.path() + "/t.sedg");
  const std::string chosen = checked_json(
      cli::trainer() + d + " --epochs 2 --seed 7 --hidden 8 --batch-size 16 --json" + out,
      "command_line settings history test_accuracy");
  CHECK(contains(chosen, "\"--seed\", \"7\""));
  for (const char* setting : {"\"seed\": 7", "\"epochs\": 2", "\"batch_size\": 16",
                              "\"hidden\": [8]", "\"threads\": 2", "\"learning_rate\": 0.1",
                              "\"optimizer\": \"sgd\"",
                              "\"validation_size\": 2"}) {
    CAPTURE(setting);
    CHECK(contains(chosen, setting));
  }
  const size_t history = chosen.find("\"history\"");
  CHECK_FALSE(contains(chosen.substr(history, chosen.find(']', history) - history),
                       "test_accuracy"));
  const std::string lesson = checked_json(
      cli::trainer() + d + " --preset d2l --epochs 1 --json" + out, "settings history");
  CHECK(contains(lesson, "\"validation_accuracy\": null"));
  CHECK(contains(lesson, "\"preset\": \"d2l\""));

  // The same documents, read as data: the values a run can be reproduced from.
  const nlohmann::json run = nlohmann::json::parse(chosen);
  CHECK(run["command_line"].size() == 14);  // argv[0] and every argument, as given
  CHECK(run["command_line"][5] == "--seed");
  CHECK(run["settings"]["preset"].is_null());
  CHECK(run["settings"]["hidden"] == nlohmann::json::array({8}));
  CHECK(run["settings"]["learning_rate"].get<double>() ==
        0.1);  // as typed, not 0.10000000149011612
  CHECK(run["history"].size() == 2);
  CHECK(run["history"][1]["epoch"] == 2);
  CHECK(run["history"][0]["validation_accuracy"].is_number());
  CHECK(run["test_accuracy"].get<double>() >= 0.0);
  const nlohmann::json d2l = nlohmann::json::parse(lesson);
  CHECK(d2l["settings"]["learning_rate"].get<double>() == 0.1);
  CHECK(d2l["settings"]["init_stddev"].get<double>() == 0.01);
  CHECK(d2l["history"][0]["validation_accuracy"].is_null());
  CHECK(d2l["history"][0]["test_accuracy"].is_number());
}

TEST_CASE("cli polish: no escape codes when stderr is not a terminal or TERM is dumb") {
  using softedge::train::ProgressBar;
  CHECK(ProgressBar::wanted(true, "xterm-256color"));
  CHECK_FALSE(ProgressBar::wanted(true, "dumb"));
  CHECK_FALSE(ProgressBar::wanted(true, nullptr));
  CHECK_FALSE(ProgressBar::wanted(true, ""));
  CHECK_FALSE(ProgressBar::wanted(false, "xterm"));

  fixtures::TempDir dir("softedge-cli-bar");
  const std::string data = cli::data_dir(dir);
  const cli::Result r = run("env TERM=xterm " + cli::trainer() + " --data " + sh(data) +
                            " --epochs 2 --out " + sh(dir.path() + "/m.sedg"));
  CHECK(r.exit_code == 0);
  CHECK_FALSE(contains(r.err, "\x1b"));
  CHECK_FALSE(contains(r.out, "\x1b"));
  CHECK(contains(r.out, "epoch 2, loss"));
}

TEST_CASE("cli polish: softedge help COMMAND is COMMAND --help") {
  for (const char* command : {"eval", "predict", "inspect", "quantize", "export-c", "gallery"}) {
    CAPTURE(command);
    const cli::Result help = run(cli::tool() + " help " + command);
    const cli::Result flag = run(cli::tool() + " " + command + " --help");
    CHECK(help.exit_code == 0);
    CHECK(help.out == flag.out);
    CHECK(contains(help.out, std::string("usage: softedge ") + command));
  }
  CHECK(run(cli::tool() + " help").exit_code == 0);
  const cli::Result unknown = run(cli::tool() + " help frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown command 'frobnicate'"));
  CHECK(run(cli::tool() + " help eval predict").exit_code == 2);
}

TEST_CASE("cli polish: predict --all gives every test image's class, as predict --index does") {
  fixtures::TempDir dir("softedge-cli-all");
  const std::string data = cli::data_dir(dir);
  const std::string model = cli::write_model(dir, "m.sedg", cli::model_spec());
  const std::string d = " --data " + sh(data);
  const std::string csv = dir.path() + "/all.csv";
  const cli::Result r = run(cli::tool() + " predict " + sh(model) + " --all --csv " + sh(csv) + d);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const fixtures::Bytes bytes = fixtures::read_bytes(csv);
  const std::string text(bytes.begin(), bytes.end());
  CHECK(text.rfind("index,true_class,class,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9\n", 0) == 0);
  CHECK(std::count(text.begin(), text.end(), '\n') == 21);
  for (int index : {0, 7, 19}) {
    CAPTURE(index);
    const cli::Result one = run(cli::tool() + " predict --json --top 1 " + sh(model) +
                                " --index " + std::to_string(index) + d);
    const size_t at = one.out.find("\"top\":[{\"class\":") + 16;
    const std::string predicted = one.out.substr(at, one.out.find(',', at) - at);
    const std::string row = std::to_string(index) + "," + std::to_string(index % 10) + "," +
                            predicted + ",";
    CHECK(contains(text, "\n" + row));
  }
  checked_json(cli::tool() + " predict --all --json " + sh(model) + d, "model images");
  const auto before = cli::snapshot(dir.root());
  cli::check_failed_cleanly(run(cli::tool() + " predict " + sh(model) + " --all --csv " +
                                sh(model) + d),
                            model, "same file", dir.root(), before);
}

TEST_CASE("cli polish: both binaries refuse abbreviated options alike") {
  // getopt_long would take --ep for --epochs; neither binary takes prefixes.
  const cli::Result train = run(cli::trainer() + " --ep 1");
  CHECK(train.exit_code == 2);
  CHECK(contains(train.err, "'--ep'"));
  CHECK(contains(train.err, "--epochs"));
  CHECK(train.out.empty());
  const cli::Result tool = run(cli::tool() + " inspect --js model.sedg");
  CHECK(tool.exit_code == 2);
  CHECK(contains(tool.err, "--js"));
  // The full names still work, with the value attached or apart.
  const cli::Result version = run(cli::trainer() + " --version");
  CHECK(version.exit_code == 0);
  const cli::Result attached = run(cli::trainer() + " --epochs=0");
  CHECK(attached.exit_code == 2);  // a bad value, not an unknown option
  CHECK(contains(attached.err, "--epochs expects a whole number from 1 to 100000, not '0'"));
}

TEST_CASE("cli polish: one set of command-line rules and messages in both binaries") {
  struct Case {
    std::string program;  // as the message names it
    std::string command;  // after the binary
    std::string message;  // the first line after "PROGRAM: "
  };
  const std::string train = "softedge-train";
  const Case cases[] = {
      // abbreviations: refused, the option meant named
      {train, " --ep 1", "unknown option '--ep' (did you mean --epochs?)"},
      {"softedge inspect", " inspect --js m.sedg", "unknown option '--js' (did you mean --json?)"},
      {"softedge predict", " predict m.sedg --in 3",
       "unknown option '--in' (did you mean --index?)"},
      // unknown options
      {train, " --bogus=1", "unknown option '--bogus'"},
      {"softedge eval", " eval m.sedg -x", "unknown option '-x'"},
      // bad values: the option, the range and the text
      {train, " --epochs=0", "--epochs expects a whole number from 1 to 100000, not '0'"},
      {train, " --threads x", "--threads expects a whole number from 1 to 64, not 'x'"},
      {train, " --seed -1", "--seed expects a whole number, not '-1'"},
      {train, " --lr nan", "--lr expects a number, not 'nan'"},
      {train, " --lr 0", "--lr must be positive, not '0'"},
      {"softedge gallery", " gallery m.sedg --out g.png --count 1001",
       "--count expects a whole number from 1 to 1000, not '1001'"},
      {"softedge predict", " predict m.sedg --index 0x10",
       "--index expects a whole number, not '0x10'"},
      {"softedge export-c", " export-c m.sedg --test-images=0",
       "--test-images expects a whole number from 1 to 1000, not '0'"},
      // a value missing, a value given to a flag, an argument too many
      {train, " --out", "option '--out' needs a value"},
      {"softedge eval", " eval m.sedg --data", "option '--data' needs a value"},
      {train, " --json=yes", "option '--json' takes no value"},
      {"softedge inspect", " inspect m.sedg --json=yes", "option '--json' takes no value"},
      {train, " extra", "unexpected argument 'extra'"},
      {train, " -- --json", "unexpected argument '--json'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.command);
    const cli::Result r = run((c.program == train ? cli::trainer() : cli::tool()) + c.command);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    // Checked before any file is read: m.sedg need not exist.
    CHECK(r.err.rfind(c.program + ": " + c.message + "\nusage: " + c.program, 0) == 0);
    CHECK(contains(r.err, "\n(see '" + c.program + " --help')\n"));
  }

  // --help before "--" wins over any mistake, in both; after "--" it is an argument.
  const cli::Result train_help = run(cli::trainer() + " --epochs 0 --help");
  CHECK(train_help.exit_code == 0);
  CHECK(train_help.out.rfind("usage: softedge-train [options]\n", 0) == 0);
  const cli::Result tool_help = run(cli::tool() + " inspect --bogus -h");
  CHECK(tool_help.exit_code == 0);
  CHECK(tool_help.out.rfind("usage: softedge inspect MODEL", 0) == 0);
  const cli::Result not_help = run(cli::tool() + " inspect -- --help");
  CHECK(not_help.exit_code == 1);  // a model file named --help, which does not exist
  CHECK(contains(not_help.err, "--help: cannot open"));

  // A repeated option: the last one wins, in both.
  fixtures::TempDir dir("softedge-cli-rules");
  const std::string model = cli::write_model(dir, "m.sedg", cli::model_spec());
  const cli::Result top = run(cli::tool() + " predict --json --top 5 --top=2 " + sh(model) +
                              " --index 0 --data " + sh(cli::data_dir(dir)));
  REQUIRE(top.exit_code == 0);
  CHECK(nlohmann::json::parse(top.out)["top"].size() == 2);
}