// softedge_peers_bench [--data DIR] MODEL.sedg... [--benchmark_* flags]
//
// Times softedge against the peers this build found (oneDNN, XNNPACK, Eigen) on the same
// model files and the same Fashion-MNIST test images, one thread each, softmax included;
// checks first that every peer gives softedge's answers; then prints Google Benchmark's
// table and the same-run ratios. docs/BENCHMARKS.md explains the figures.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "agreement_check.h"
#include "engine_registry.h"
#include "peer_benchmarks.h"
#include "ratio_report.h"
#include "recording_reporter.h"
#include "softedge/host/dataset.h"


namespace {

// Defaults that make one run give comparable ratios; any flag given later overrides them.
const char* const kDefaultFlags[] = {
    "--benchmark_repetitions=5",
    "--benchmark_min_time=0.2",
    "--benchmark_enable_random_interleaving=true",  // repetitions of all cases shuffled
    "--benchmark_display_aggregates_only=true",
};

constexpr const char* kUsage =
    "usage: softedge_peers_bench [--data DIR] MODEL.sedg... [--benchmark_* flags]\n"
    "Times softedge and the peers built in (oneDNN, XNNPACK, Eigen) on the models' same weights\n"
    "and the Fashion-MNIST test images (t10k; --data DIR, $SOFTEDGE_DATA, ./data, ...), one\n"
    "thread, softmax included, after checking every peer gives softedge's answers.\n"
    "Defaults (later flags override them): --benchmark_repetitions=5\n"
    "  --benchmark_min_time=0.2 --benchmark_enable_random_interleaving=true\n"
    "  --benchmark_display_aggregates_only=true\n"
    "Google Benchmark's flags: see its documentation (--benchmark_filter, --benchmark_out, ...).\n";

struct Options {
  std::string data_dir;
  std::vector<std::string> models;
};

// What Google Benchmark left in argv. Returns false (after printing why) on a usage error.
bool parse(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      options->data_dir = argv[++i];
    } else if (arg.rfind("--data=", 0) == 0) {
      options->data_dir = arg.substr(7);
    } else if (arg.rfind("-", 0) == 0) {
      std::fprintf(stderr, "softedge_peers_bench: unknown option %s\n%s", arg.c_str(), kUsage);
      return false;
    } else {
      options->models.push_back(arg);
    }
  }
  if (options->models.empty()) {
    std::fprintf(stderr, "softedge_peers_bench: no model file given\n%s", kUsage);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {  // before Google Benchmark, which prints only its own flags
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  std::vector<char*> args{argv[0]};
  for (const char* flag : kDefaultFlags) args.push_back(const_cast<char*>(flag));
  args.insert(args.end(), argv + 1, argv + argc);
  int arg_count = static_cast<int>(args.size());
  benchmark::Initialize(&arg_count, args.data());
  Options options;
  if (!parse(arg_count, args.data(), &options)) return 2;

  try {
    const std::string data_dir = softedge::host::find_test_data_dir(options.data_dir);
    const softedge::host::Split test = softedge::host::load_split(data_dir, "t10k");
    // Everything before the timings goes to stderr: stdout may carry JSON or CSV.
    std::fprintf(stderr, "test images: %u from %s\npeers built in:", test.count, data_dir.c_str());
    for (const std::string& peer : peers::peer_names()) std::fprintf(stderr, " %s", peer.c_str());
    std::fprintf(stderr, "\n");

    std::vector<peers::Contest> contests;
    for (const std::string& path : options.models) {
      peers::Contest contest;
      contest.model = std::make_unique<peers::LoadedModel>(peers::load_model(path, test));
      peers::Engines built = peers::make_engines(*contest.model);
      contest.engines = std::move(built.engines);
      for (const auto& engine : contest.engines) {
        std::fprintf(stderr, "engine %-14s %-12s %s\n", contest.model->name.c_str(),
                     engine->name(), engine->implementation().c_str());
      }
      for (const std::string& why : built.not_run) {
        std::fprintf(stderr, "engine %-14s not run: %s\n", contest.model->name.c_str(),
                     why.c_str());
      }
      peers::check_agreement(*contest.model, contest.engines, stderr);
      contests.push_back(std::move(contest));
    }

    const std::vector<std::string> registered = peers::register_benchmarks(contests);
    bench::RecordingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const bench::Results results = reporter.results();
    if (!results.empty()) {
      peers::print_ratio_report(reporter.extra_output(), results, registered,
                                peers::peer_names());
    }
    benchmark::Shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "softedge_peers_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
