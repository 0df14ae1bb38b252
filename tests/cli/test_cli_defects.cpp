// test_cli_defects.cpp — issue 14's defects 1-9, each reproduced through the binaries: exit
// status, the message names the file, every output path unchanged (snapshots of the whole
// working directory before and after) and nothing left beside it.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "cli_fixtures.h"
#include "cli_harness.h"

using cli::contains;
using cli::sh;
using cli::run;

namespace {

// A working directory with data, a valid model m.sedg and an existing output old.out.
struct Work {
  fixtures::TempDir dir{"softedge-cli"};
  std::string data = cli::data_dir(dir);
  std::string model = cli::write_model(dir, "m.sedg", cli::model_spec());
  std::string old_out = dir.write("old.out", {'o', 'l', 'd'});

  std::string at(const std::string& name) const { return (dir.root() / name).string(); }
  std::map<std::string, std::string> snapshot() const { return cli::snapshot(dir.root()); }
};

}  // namespace

TEST_CASE("cli 1: unbounded reads: devices, FIFOs and oversized files are refused by name") {
  Work w;
  const auto before = w.snapshot();
  const cli::Result zero = run(cli::tool() + " inspect /dev/zero");
  cli::check_failed_cleanly(zero, "/dev/zero", "not a regular file", w.dir.root(), before);

  // A FIFO with no writer used to block forever in open().
  const std::string fifo = w.at("pipe.sedg");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto with_fifo = w.snapshot();
  for (const std::string& command : {" inspect " + sh(fifo),
                                     " predict " + sh(w.model) + " " + sh(fifo)}) {
    CAPTURE(command);
    cli::check_failed_cleanly(run(cli::tool() + command), fifo, "not a regular file",
                              w.dir.root(), with_fifo);
  }

  // Sparse files: a 2 GiB model and a 100 MiB PGM are refused from their size, unread.
  const std::string big_model = w.at("big.sedg"), big_pgm = w.at("big.pgm");
  REQUIRE(::truncate(w.dir.write("big.sedg", {'S'}).c_str(), off_t{2} << 30) == 0);
  REQUIRE(::truncate(w.dir.write("big.pgm", cli::pgm({})).c_str(), off_t{100} << 20) == 0);
  const auto with_big = w.snapshot();
  cli::check_failed_cleanly(run(cli::tool() + " inspect " + sh(big_model)), big_model,
                            "larger than", w.dir.root(), with_big);
  cli::check_failed_cleanly(run(cli::tool() + " predict " + sh(w.model) + " " +
                                sh(big_pgm)),
                            big_pgm, "larger than", w.dir.root(), with_big);
}

TEST_CASE("cli 2: a directory as MODEL or image, and library errors, name the file") {
  Work w;
  const std::string folder = w.dir.sub("folder");
  const auto before = w.snapshot();
  const std::string d = " --data " + sh(w.data);
  for (const std::string& command :
       {" inspect " + sh(folder), " eval " + sh(folder) + d,
        " predict " + sh(folder) + " --index 0" + d,
        " quantize " + sh(folder) + " " + sh(w.at("q.sedg")) + d,
        " export-c " + sh(folder) + " --out " + sh(w.at("h.h")),
        " gallery " + sh(folder) + " --out " + sh(w.at("g.png")) + d,
        " predict " + sh(w.model) + " " + sh(folder)}) {
    CAPTURE(command);
    cli::check_failed_cleanly(run(cli::tool() + command), folder, "is a directory", w.dir.root(),
                              before);
  }

  // Logits that overflow: "inference failed" now says which model.
  const std::string huge = cli::write_model(w.dir, "huge.sedg", cli::huge_weights_spec());
  const auto with_huge = w.snapshot();
  for (const std::string& command :
       {" eval " + sh(huge) + d, " gallery " + sh(huge) + " --out " + sh(w.at("g.png")) + d,
        " export-c " + sh(huge) + " --test-images 3 --out " + sh(w.at("h.h")) + d}) {
    CAPTURE(command);
    cli::check_failed_cleanly(run(cli::tool() + command), huge + ": inference failed", "",
                              w.dir.root(), with_huge);
  }
  // The quantizer's own messages ("output 0: its bias is too large ...") name the model too.
  const std::string biased = cli::write_model(w.dir, "bias.sedg", cli::huge_bias_spec());
  const auto with_biased = w.snapshot();
  cli::check_failed_cleanly(run(cli::tool() + " quantize --no-calibration " + sh(biased) + " " +
                                sh(w.at("q.sedg"))),
                            biased + ": output 0: its bias is too large", "", w.dir.root(),
                            with_biased);
}

TEST_CASE("cli 3: a failing command writes nothing: quantize of huge weights, train with no test images") {
  Work w;
  const std::string huge = cli::write_model(w.dir, "huge.sedg", cli::huge_weights_spec());
  const auto before = w.snapshot();
  // Before: exit 1 *and* the int8 file written. Now: validated (compared) before writing.
  cli::check_failed_cleanly(run(cli::tool() + " quantize " + sh(huge) + " " +
                                sh(w.old_out) + " --data " + sh(w.data)),
                            huge, "", w.dir.root(), before);
  cli::check_failed_cleanly(run(cli::tool() + " quantize " + sh(huge) + " " +
                                sh(w.at("new.sedg")) + " --data " + sh(w.data)),
                            huge, "", w.dir.root(), before);

  // Before: exit 1 after replacing the previous model at --out.
  const std::string empty_test = cli::data_dir(w.dir, 0, "no-test");
  const auto with_empty = w.snapshot();
  const cli::Result r = run(cli::trainer() + " --data " + sh(empty_test) +
                            " --epochs 1 --out " + sh(w.model) + " --int8 " +
                            sh(w.at("i8.sedg")) + " --plot " + sh(w.at("c.svg")));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "t10k"));
  CHECK(w.snapshot() == with_empty);
}

TEST_CASE("cli 4: an output that is an input or another output is refused") {
  Work w;
  const std::string alias = w.at("alias.sedg");  // a hard link: another name, same inode
  REQUIRE(::link(w.model.c_str(), alias.c_str()) == 0);
  const auto before = w.snapshot();
  const std::string d = " --data " + sh(w.data);
  const std::string m = sh(w.model);
  for (const std::string& command :
       {" quantize " + m + " " + m + d, " quantize " + m + " " + sh(alias) + d,
        " eval " + m + " --confusion " + m + d, " eval " + m + " --confusion " + sh(alias) + d,
        " eval " + m + " --confusion " + sh(w.at("x.svg")) + " --predictions " +
            sh(w.dir.path() + "/./x.svg") + d,
        " gallery " + m + " --out " + m + d, " export-c " + m + " --out " + sh(alias)}) {
    CAPTURE(command);
    const cli::Result r = run(cli::tool() + command);
    cli::check_failed_cleanly(r, "same file", "", w.dir.root(), before);
  }
  // softedge-train: --plot where the model goes, --int8 on --out.
  for (const std::string& outputs : {" --out " + sh(w.old_out) + " --plot " + sh(w.old_out),
                                     " --out " + sh(w.old_out) + " --int8 " + sh(w.old_out)}) {
    CAPTURE(outputs);
    const cli::Result r = run(cli::trainer() + d + " --epochs 1" + outputs);
    cli::check_failed_cleanly(r, w.old_out, "same file", w.dir.root(), before);
    CHECK_FALSE(contains(r.err, "epoch"));  // refused before the data was read
  }
}

TEST_CASE("cli 5: symlinks are written through, devices and '-' written directly") {
  Work w;
  const std::string link = w.at("link.h");
  REQUIRE(::symlink("old.out", link.c_str()) == 0);
  const cli::Result through = run(cli::tool() + " export-c " + sh(w.model) + " --out " +
                                  sh(link));
  INFO(through.err);
  CHECK(through.exit_code == 0);
  CHECK(cli::fs::is_symlink(link));  // still a link ...
  const fixtures::Bytes header = fixtures::read_bytes(w.old_out);  // ... to the new header
  CHECK(contains(std::string(header.begin(), header.end()), "softedge_model_data"));

  // Devices, FIFOs and pipes: written, not replaced. The devices are reached through
  // /dev/fd/N (never /dev/null by name: a faulty binary run as root would replace the
  // system's node, as the old one did; /proc/self/fd takes no new files).
  const std::string header_text = "static const uint8_t softedge_model_data[";
  const cli::Result device =
      run(cli::tool() + " export-c " + sh(w.model) + " --out /dev/fd/3 3>/dev/null");
  INFO(device.err);
  CHECK(device.exit_code == 0);
  struct stat info;
  REQUIRE(::stat("/dev/null", &info) == 0);
  CHECK(S_ISCHR(info.st_mode));
  const std::string fifo = w.at("fifo.h"), received = w.at("received.h");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const cli::Result to_fifo = run("sh -c " + sh("cat " + sh(fifo) + " >" + sh(received) + " & " +
                                                cli::tool() + " export-c " + sh(w.model) +
                                                " --out " + sh(fifo) + "; wait"));
  CHECK(to_fifo.exit_code == 0);
  const fixtures::Bytes through_fifo = fixtures::read_bytes(received);
  CHECK(contains(std::string(through_fifo.begin(), through_fifo.end()), header_text));
  CHECK(::stat(fifo.c_str(), &info) == 0);
  CHECK(S_ISFIFO(info.st_mode));
  for (const std::string out : {"-", "/dev/fd/1", "/dev/fd/1 | cat"}) {
    CAPTURE(out);
    const auto before = w.snapshot();
    const cli::Result r = run(cli::tool() + " export-c " + sh(w.model) + " --out " + out);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, header_text));
    CHECK(w.snapshot() == before);
  }
}

TEST_CASE("cli 6: a 1 MiB class name is refused at once, not laid out for minutes") {
  Work w;
  const std::string path = cli::write_model(w.dir, "long.sedg",
                                            cli::named_class_spec(std::string(1 << 20, 'x')));
  const auto before = w.snapshot();
  const auto start = std::chrono::steady_clock::now();
  const cli::Result r = run(cli::tool() + " gallery " + sh(path) + " --out " +
                            sh(w.at("g.png")) + " --data " + sh(w.data));
  cli::check_failed_cleanly(r, path, "class 0 is 1048576 bytes long", w.dir.root(), before);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  // 64 bytes is the limit, and such a name works.
  const std::string ok = cli::write_model(w.dir, "ok.sedg",
                                          cli::named_class_spec(std::string(64, 'y')));
  CHECK(run(cli::tool() + " inspect " + sh(ok)).exit_code == 0);
}

TEST_CASE("cli 7: names with escape sequences or invalid UTF-8 never reach the output") {
  Work w;
  struct Case {
    const char* what;
    std::string name;
    const char* problem;
  };
  const Case cases[] = {{"terminal escape", "\x1b]0;pwned\x07\x1b[2J", "control character"},
                        {"Latin-1", "Pull\xf3ver", "not valid UTF-8"},
                        {"C1 control", "a\xc2\x9b" "31m", "not valid UTF-8"},
                        {"overlong slash", "a\xc0\xaf", "not valid UTF-8"}};
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const std::string path = cli::write_model(w.dir, "bad.sedg", cli::named_class_spec(c.name));
    const auto before = w.snapshot();
    for (const std::string& command :
         {" inspect " + sh(path), " eval " + sh(path) + " --json --data " + sh(w.data),
          " eval " + sh(path) + " --data " + sh(w.data) + " --confusion " +
              sh(w.at("c.svg"))}) {
      const cli::Result r = run(cli::tool() + command);
      cli::check_failed_cleanly(r, path, c.problem, w.dir.root(), before);
      CHECK_FALSE(contains(r.err, c.name));
    }
  }
  // UTF-8 names are fine and arrive intact in JSON.
  const std::string utf8 = cli::write_model(w.dir, "utf8.sedg", cli::named_class_spec("Pullóver"));
  const cli::Result r = run(cli::tool() + " inspect --json " + sh(utf8));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "\"Pullóver\""));
}

TEST_CASE("cli 8: export-c: a newline in the model path injects no line into the header") {
  Work w;
  const std::string path = w.dir.write("evil\n#error injected\n.sedg",
                                       fixtures::read_bytes(w.model));
  const cli::Result r = run(cli::tool() + " export-c " + sh(path));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(contains(r.out, "\n#error"));
  CHECK(contains(r.out, "evil?#error injected?.sedg"));
}

TEST_CASE("cli 9: unwritable outputs are reported before training starts") {
  Work w;
  const auto before = w.snapshot();
  const std::string missing = w.at("no-such-dir/m.sedg");
  for (const std::string option : {"--out", "--int8", "--plot"}) {
    CAPTURE(option);
    const std::string out = option == "--out" ? "" : " --out " + sh(w.at("fresh.sedg"));
    const cli::Result r = run(cli::trainer() + " --data " + sh(w.data) + " --epochs 1" + out +
                              " " + option + " " + sh(missing));
    cli::check_failed_cleanly(r, missing, "No such file or directory", w.dir.root(), before);
    CHECK_FALSE(contains(r.err, "Fashion-MNIST from"));  // the data was not even read
  }
  // A read-only directory (root may write anywhere: skip the check then).
  if (::geteuid() != 0) {
    const std::string locked = w.dir.sub("locked");
    REQUIRE(::chmod(locked.c_str(), 0500) == 0);
    const auto with_locked = w.snapshot();
    const cli::Result r = run(cli::trainer() + " --data " + sh(w.data) + " --out " +
                              sh(locked + "/m.sedg"));
    cli::check_failed_cleanly(r, locked + "/m.sedg", "Permission denied", w.dir.root(),
                              with_locked);
    ::chmod(locked.c_str(), 0700);
  }
}

#if SOFTEDGE_CLI_HAVE_ONNX  // import / export-onnx exist where the ONNX library does
TEST_CASE("cli 4: export-onnx and import refuse to overwrite their input") {
  Work w;
  const auto before = w.snapshot();
  cli::check_failed_cleanly(run(cli::tool() + " export-onnx " + sh(w.model) + " " + sh(w.model)),
                            w.model, "same file", w.dir.root(), before);
  cli::check_failed_cleanly(run(cli::tool() + " import " + sh(w.model) + " " + sh(w.model)),
                            w.model, "same file", w.dir.root(), before);
}
#endif
