#include "bench_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <algorithm>

namespace device_bench {
namespace {

// A whole decimal number in [1, limit], or false.
bool parse_count(const char* text, unsigned long long limit, unsigned long long* value) {
  if (!text || !*text || *text == '-' || *text == '+') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || parsed == 0 || parsed > limit) return false;
  *value = parsed;
  return true;
}

}  // namespace

void print_usage(std::FILE* out) {
  std::fprintf(out,
      "usage: softedge-bench MODEL.sedg [MODEL2.sedg ...] [options] [--benchmark_* flags]\n"
      "\n"
      "Benchmarks softedge models on this CPU with Google Benchmark: per model and kernel set,\n"
      "single-image latency and its distribution (p50/p90/p99/max), batch throughput, cold\n"
      "start (load + validate + first inference) and memory (model, scratch, measured stack),\n"
      "then same-run ratios (kernel set / scalar, int8 / float, model / first model).\n"
      "\n"
      "options:\n"
      "  --kernel NAME      only this kernel set (default: every set this CPU can run)\n"
      "  --batch N[,N...]   batch sizes; 1 is single-image infer_u8 (default: 1,256)\n"
      "  --images FILE      raw IDX3 images, e.g. t10k-images-idx3-ubyte (gunzipped); default:\n"
      "                     a fixed pseudo-random set\n"
      "  --max-images N     read at most N images from FILE (default 10000)\n"
      "  --evict-kib N      KiB read between cold-start samples to evict the caches (default\n"
      "                     65536; 0: no eviction)\n"
      "  --help             this text and Google Benchmark's flags\n"
      "\n"
      "Extra tables follow the benchmark output on stdout, or go to stderr when\n"
      "--benchmark_format is json or csv (stdout then holds only that format).\n"
      "Exit status: 0 ok, 1 failure (a model or image file that cannot be used), 2 bad usage.\n");
}

bool parse_options(int argc, char** argv, Options* options, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char** out) {
      if (i + 1 >= argc) {
        *error = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    const char* text = nullptr;
    unsigned long long number = 0;
    if (arg == "--kernel") {
      if (!value(&text)) return false;
      options->kernel = text;
    } else if (arg == "--batch") {
      if (!value(&text)) return false;
      options->batches.clear();
      std::string list = text;
      size_t start = 0;
      while (start <= list.size()) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, comma - start);
        if (!parse_count(item.c_str(), 1u << 20, &number)) {
          *error = "--batch: '" + item + "' is not a batch size from 1 to 1048576";
          return false;
        }
        options->batches.push_back(static_cast<uint32_t>(number));
        start = comma + 1;
      }
      std::sort(options->batches.begin(), options->batches.end());  // one case per size
      options->batches.erase(std::unique(options->batches.begin(), options->batches.end()),
                             options->batches.end());
    } else if (arg == "--images") {
      if (!value(&text)) return false;
      options->images_path = text;
    } else if (arg == "--max-images") {
      if (!value(&text)) return false;
      if (!parse_count(text, 1u << 24, &number)) {
        *error = "--max-images: '" + std::string(text) + "' is not a count from 1 to 16777216";
        return false;
      }
      options->max_images = static_cast<size_t>(number);
    } else if (arg == "--evict-kib") {
      if (!value(&text)) return false;
      if (std::strcmp(text, "0") == 0) {
        options->evict_bytes = 0;
      } else if (parse_count(text, 1u << 22, &number)) {
        options->evict_bytes = static_cast<size_t>(number) * 1024;
      } else {
        *error = "--evict-kib: '" + std::string(text) + "' is not a size from 0 to 4194304";
        return false;
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      *error = "unknown option " + arg;
      return false;
    } else {
      options->model_paths.push_back(arg);
    }
  }
  if (options->model_paths.empty()) {
    *error = "no model file given";
    return false;
  }
  return true;
}

}  // namespace device_bench
