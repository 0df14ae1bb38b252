// test_nothing_lost.cpp — no failure of the trainer or the tools loses a user's data:
//  - missing, truncated or wrong-kind data files: a message naming the file, exit 1, and the
//    output file neither created nor modified (softedge-train, softedge quantize/eval/predict,
//    export-c);
//  - a model write that fails midway (RLIMIT_FSIZE: write() fails with EFBIG once the file
//    reaches the limit, SIGXFSZ ignored) leaves the previous model intact and no temporary
//    file behind, in write_file_atomically() and through softedge-train;
//  - a process killed (SIGKILL) at random moments while it rewrites a model over and over
//    leaves, every time, either the old or the new model at the path, whole.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "runtime/model_fixtures.h"
#include "softedge/host/file_io.h"
#include "softedge/host/model_writer.h"
#include "softedge/model.h"

namespace host = softedge::host;

namespace fs = std::filesystem;
using fixtures::Bytes;

namespace {

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

std::string quoted(const std::string& text) { return "'" + text + "'"; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs a shell command line with stdout and stderr captured in `dir`.
RunResult run(const fixtures::TempDir& dir, const std::string& command) {
  const fs::path out = dir.root() / "stdout.txt", err = dir.root() / "stderr.txt";
  const std::string line = command + " >" + quoted(out.string()) + " 2>" + quoted(err.string());
  const int status = std::system(line.c_str());
  REQUIRE(WIFEXITED(status));
  const Bytes o = fixtures::read_bytes(out), e = fixtures::read_bytes(err);
  fs::remove(out);
  fs::remove(err);
  return {WEXITSTATUS(status), std::string(o.begin(), o.end()), std::string(e.begin(), e.end())};
}

std::string train_exe() { return quoted(SOFTEDGE_TRAIN_EXE); }
std::string tool_exe() { return quoted(SOFTEDGE_TOOL_EXE); }

// Temporary files write_file_atomically leaves beside `path` (name.tmp-XXXXXX).
size_t temporaries_beside(const std::string& path) {
  const fs::path p(path);
  const std::string prefix = p.filename().string() + ".tmp-";
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(p.parent_path())) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) ++count;
  }
  return count;
}

void remove_temporaries_beside(const std::string& path) {
  const fs::path p(path);
  const std::string prefix = p.filename().string() + ".tmp-";
  for (const auto& entry : fs::directory_iterator(p.parent_path())) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path());
  }
}

// A data directory with all four files, 20 images each, raw IDX.
std::string data_dir(const fixtures::TempDir& dir, const std::string& name = "data") {
  const std::string d = dir.sub(name);
  for (const char* split : {"train", "t10k"}) {
    fixtures::write_bytes(fs::path(d) / (std::string(split) + "-images-idx3-ubyte"),
                          fixtures::idx_images(20));
    fixtures::write_bytes(fs::path(d) / (std::string(split) + "-labels-idx1-ubyte"),
                          fixtures::idx_labels(fixtures::cycling_labels(20)));
  }
  return d;
}

// A previous model at `path` (valid, recognisable); its bytes.
Bytes previous_model(const std::string& path) {
  const Bytes bytes = host::encode_model(fixtures::mnist_linear_spec(77));
  fixtures::write_bytes(path, bytes);
  return bytes;
}

}  // namespace

// ---- bad data files: clear error, exit 1, no output -----------------------------------------

TEST_CASE("nothing lost: softedge-train with bad data files names the file and writes nothing") {
  fixtures::TempDir dir("softedge-lost");
  struct Damage {
    const char* what;
    const char* file;      // in the data directory
    const char* expected;  // part of the message
  };
  const Damage damages[] = {
      {"truncated images", "train-images-idx3-ubyte", "truncated"},
      {"truncated labels", "t10k-labels-idx1-ubyte", "truncated"},
      {"missing images", "train-images-idx3-ubyte", "missing train-images-idx3-ubyte"},
      {"labels given as images", "t10k-images-idx3-ubyte", "not an IDX images file"},
      {"images given as labels", "train-labels-idx1-ubyte", "not an IDX labels file"},
      {"truncated gzip", "train-images-idx3-ubyte.gz", "truncated gzip"},
      {"a directory instead of a file", "t10k-labels-idx1-ubyte", "missing t10k-labels-idx1-ubyte"},
      {"garbage", "train-images-idx3-ubyte", "not an IDX file"},
  };
  for (const Damage& damage : damages) {
    CAPTURE(damage.what);
    const std::string data = data_dir(dir, std::string("data-") + damage.what);
    const fs::path file = fs::path(data) / damage.file;
    const std::string what = damage.what;
    if (what == "truncated images" || what == "truncated labels") {
      Bytes bytes = fixtures::read_bytes(file);
      bytes.resize(bytes.size() / 2);
      fixtures::write_bytes(file, bytes);
    } else if (what == "missing images") {
      fs::remove(file);
    } else if (what == "labels given as images") {
      fixtures::write_bytes(file, fixtures::idx_labels(fixtures::cycling_labels(20)));
    } else if (what == "images given as labels") {
      fixtures::write_bytes(file, fixtures::idx_images(20));
    } else if (what == "truncated gzip") {
      fs::remove(fs::path(data) / "train-images-idx3-ubyte");
      const Bytes gz = fixtures::gzip_bytes(fixtures::idx_images(20));
      fixtures::write_bytes(file, Bytes(gz.begin(), gz.begin() + static_cast<long>(gz.size() / 2)));
    } else if (what == "a directory instead of a file") {
      fs::remove(file);
      fs::create_directory(file);
    } else if (what == "garbage") {
      fixtures::write_bytes(file, Bytes(5000, 'x'));
    }

    // No previous model: none is created.
    const std::string fresh = (dir.root() / (what + "-new.sedg")).string();
    RunResult r = run(dir, train_exe() + " --epochs 1 --data " + quoted(data) + " --out " +
                               quoted(fresh) + " --int8 " + quoted(fresh + ".int8"));
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 1);
    // The file's path, or for a file that is not there, the directory and the file's name.
    CHECK((contains(r.err, file.string()) ||
           (contains(r.err, data) && contains(r.err, file.filename().string()))));
    CHECK(contains(r.err, damage.expected));
    CHECK_FALSE(fs::exists(fresh));
    CHECK_FALSE(fs::exists(fresh + ".int8"));
    CHECK(temporaries_beside(fresh) == 0);

    // A previous model: untouched.
    const std::string existing = (dir.root() / (what + "-old.sedg")).string();
    const Bytes before = previous_model(existing);
    r = run(dir, train_exe() + " --epochs 1 --data " + quoted(data) + " --out " + quoted(existing));
    CHECK(r.exit_code == 1);
    CHECK(fixtures::read_bytes(existing) == before);
  }
}

TEST_CASE("nothing lost: the softedge tool with bad inputs names the file and writes nothing") {
  fixtures::TempDir dir("softedge-lost-tool");
  const std::string good_data = data_dir(dir, "good");
  const std::string model = (dir.root() / "model.sedg").string();
  const Bytes model_bytes = previous_model(model);

  // Truncated training images: quantize (calibrates on them) writes nothing.
  const std::string bad_data = data_dir(dir, "bad");
  const fs::path train_images = fs::path(bad_data) / "train-images-idx3-ubyte";
  Bytes images = fixtures::read_bytes(train_images);
  images.resize(images.size() - 1);
  fixtures::write_bytes(train_images, images);
  const std::string int8 = (dir.root() / "int8.sedg").string();
  RunResult r = run(dir, tool_exe() + " quantize " + quoted(model) + " " + quoted(int8) +
                             " --data " + quoted(bad_data));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, train_images.string()));
  CHECK_FALSE(fs::exists(int8));
  CHECK(temporaries_beside(int8) == 0);

  // A truncated test labels file: eval fails naming it.
  const std::string bad_test = data_dir(dir, "bad-test");
  const fs::path test_labels = fs::path(bad_test) / "t10k-labels-idx1-ubyte";
  Bytes labels = fixtures::read_bytes(test_labels);
  labels.resize(10);
  fixtures::write_bytes(test_labels, labels);
  r = run(dir, tool_exe() + " eval " + quoted(model) + " --data " + quoted(bad_test));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, test_labels.string()));
  CHECK(r.out.empty());

  // A corrupted model: export-c --out leaves an existing output alone, quantize creates none.
  Bytes corrupted = model_bytes;
  corrupted[corrupted.size() / 2] ^= 0x08;
  const std::string bad_model = (dir.root() / "corrupted.sedg").string();
  fixtures::write_bytes(bad_model, corrupted);
  const std::string header = (dir.root() / "model_data.h").string();
  fixtures::write_bytes(header, Bytes{'o', 'l', 'd'});
  r = run(dir, tool_exe() + " export-c " + quoted(bad_model) + " --out " + quoted(header));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, bad_model));
  CHECK(fixtures::read_bytes(header) == Bytes{'o', 'l', 'd'});
  r = run(dir, tool_exe() + " quantize " + quoted(bad_model) + " " + quoted(int8) + " --data " +
                   quoted(good_data));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, bad_model));
  CHECK_FALSE(fs::exists(int8));

  // A truncated, a wrong-kind and a missing PGM image.
  const std::string pgm = (dir.root() / "image.pgm").string();
  const std::string pgm_header = "P5\n28 28\n255\n";
  Bytes pgm_bytes(pgm_header.begin(), pgm_header.end());
  pgm_bytes.resize(pgm_bytes.size() + 700, 128);
  fixtures::write_bytes(pgm, pgm_bytes);
  r = run(dir, tool_exe() + " predict " + quoted(model) + " " + quoted(pgm));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, pgm));
  CHECK(contains(r.err, "truncated"));
  CHECK(r.out.empty());
  r = run(dir, tool_exe() + " predict " + quoted(model) + " " + quoted(model));  // a model
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, model));
  CHECK(contains(r.err, "P5"));
  const std::string missing = (dir.root() / "missing.pgm").string();
  r = run(dir, tool_exe() + " predict " + quoted(model) + " " + quoted(missing));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, missing));
  CHECK(fixtures::read_bytes(model) == model_bytes);
}

// ---- a write that fails midway ---------------------------------------------------------------

TEST_CASE("nothing lost: a write failing midway (RLIMIT_FSIZE) keeps the previous model") {
  fixtures::TempDir dir("softedge-lost-fsize");
  const std::string path = (dir.root() / "model.sedg").string();
  const Bytes before = previous_model(path);
  // 784 -> 100 float: 314 KB, several times the limit below, so write() gets part of it
  // out and then fails with EFBIG.
  host::ModelSpec big = fixtures::mnist_linear_spec(78);
  big.layers[0] = fixtures::dense_layer(784, 100, 79);
  big.class_names = fixtures::class_names(100);
  const Bytes replacement = host::encode_model(big);
  REQUIRE(replacement.size() > 5 * 40960);

  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG instead of killing us
    const rlimit limit{40960, 40960};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(10);
    try {
      host::write_file_atomically(path, replacement);
    } catch (const host::FileError& e) {
      const std::string message = e.what();
      if (::write(pipe_fds[1], message.data(), message.size()) < 0) _exit(11);
      _exit(3);
    } catch (...) {
      _exit(4);
    }
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);  // the FileError
  INFO("message: " << message);
  CHECK(contains(message, path));
  CHECK(contains(message, "write failed"));
  CHECK(contains(message, "File too large"));
  CHECK(fixtures::read_bytes(path) == before);
  CHECK(temporaries_beside(path) == 0);
}

TEST_CASE("nothing lost: softedge-train hitting the file size limit keeps the previous model") {
  fixtures::TempDir dir("softedge-lost-train-fsize");
  const std::string data = data_dir(dir);
  const std::string path = (dir.root() / "model.sedg").string();
  const Bytes before = previous_model(path);
  // ulimit -f 30: 15 KB in dash (512-byte blocks), 30 KB in bash; the model is 31.6 KB.
  // SIGXFSZ ignored (trap "", kept by exec): write() fails with EFBIG, softedge-train reports
  // it and removes its temporary file.
  const std::string train = " --epochs 1 --data " + quoted(data) + " --out " + quoted(path);
  RunResult r =
      run(dir, "/bin/sh -c " + quoted("trap \"\" XFSZ; ulimit -f 30; exec \"$0\" \"$@\"") + " " +
                   train_exe() + train);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, path));
  CHECK(contains(r.err, "File too large"));
  CHECK(fixtures::read_bytes(path) == before);
  CHECK(temporaries_beside(path) == 0);
  // SIGXFSZ at its default: the process is killed in the middle of write(). The previous
  // model is intact; the temporary file stays behind (nothing runs after SIGXFSZ to remove
  // it), under its own name.
  r = run(dir, "/bin/sh -c " + quoted("ulimit -f 30; exec \"$0\" \"$@\"") + " " + train_exe() +
                   train);
  CHECK(r.exit_code != 0);
  CHECK(fixtures::read_bytes(path) == before);
  CHECK(temporaries_beside(path) == 1);
  remove_temporaries_beside(path);
  // The same command without the limit succeeds and replaces the model.
  r = run(dir, train_exe() + train);
  CHECK(r.exit_code == 0);
  CHECK(fixtures::read_bytes(path) != before);
}

// ---- killed during the write -----------------------------------------------------------------

TEST_CASE("nothing lost: killed at random moments while rewriting, the model is old or new") {
  fixtures::TempDir dir("softedge-lost-kill");
  const std::string path = (dir.root() / "model.sedg").string();
  // Two different valid models of 1.6 MB (784 -> 512), so a write takes long enough for
  // kills to land inside it.
  auto model = [](uint32_t seed) {
    host::ModelSpec spec = fixtures::mnist_linear_spec(seed);
    spec.layers[0] = fixtures::dense_layer(784, 512, seed);
    spec.class_names = fixtures::class_names(512);
    return host::encode_model(spec);
  };
  const Bytes a = model(81), b = model(82);
  REQUIRE(a != b);
  fixtures::write_bytes(path, a);

  // How long one rewrite takes here, to spread the kills over a few of them.
  const auto start = std::chrono::steady_clock::now();
  host::write_file_atomically(path, b);
  host::write_file_atomically(path, a);
  // (Clamped: on a loaded machine one slow fsync must not stretch the test to minutes.)
  const long cycle_us = std::clamp<long>(
      static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start).count()),
      200, 50000);

  constexpr int kKills = 40;
  int mid_write = 0;  // kills that left a temporary file: the write was under way
  int saw_a = 0, saw_b = 0;
  uint32_t random = 12345;
  for (int k = 0; k < kKills; ++k) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      for (int i = 0;; ++i) {
        try {
          host::write_file_atomically(path, i % 2 == 0 ? b : a);
        } catch (...) {
          _exit(5);
        }
      }
    }
    random = random * 1664525u + 1013904223u;
    const long delay_us = cycle_us / 4 + static_cast<long>(random >> 8) % (2 * cycle_us);
    const timespec delay{delay_us / 1000000, (delay_us % 1000000) * 1000};
    nanosleep(&delay, nullptr);
    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));  // it was still writing, not failed

    const Bytes now = fixtures::read_bytes(path);
    const bool is_a = now == a, is_b = now == b;
    if (!is_a && !is_b)
      FAIL("kill " << k << ": the model at the path is neither version (" << now.size()
                   << " bytes)");
    saw_a += is_a;
    saw_b += is_b;
    softedge::Model loaded;
    CHECK(softedge::load(now.data(), now.size(), &loaded) == softedge::Status::kOk);
    if (temporaries_beside(path) > 0) {
      ++mid_write;
      remove_temporaries_beside(path);  // a killed writer cannot clean up after itself
    }
  }
  MESSAGE(kKills << " kills (one rewrite takes ~" << cycle_us << " us): " << mid_write
                 << " landed mid-write, the path held the old model " << saw_a
                 << " times and the new " << saw_b << " times, whole every time");
  CHECK(mid_write > 0);
}
