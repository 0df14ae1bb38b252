#include "ratio_report.h"

#include <map>

namespace peers {
namespace {

// "MODEL/CASE/ENGINE" -> {"MODEL/CASE/", "ENGINE"}.
std::pair<std::string, std::string> split(const std::string& name) {
  const size_t slash = name.rfind('/');
  if (slash == std::string::npos) return {"", name};
  return {name.substr(0, slash + 1), name.substr(slash + 1)};
}

// The recorded results in registration order (with random interleaving they ran shuffled).
bench::Results in_order(const bench::Results& recorded, const std::vector<std::string>& names) {
  bench::Results ordered;
  for (const std::string& name : names) {
    for (const auto& result : recorded) {
      if (result.first == name) {
        ordered.push_back(result);
        break;
      }
    }
  }
  return ordered;
}

}  // namespace

void print_ratio_report(std::FILE* out, const bench::Results& recorded,
                        const std::vector<std::string>& registered,
                        const std::vector<std::string>& peers) {
  const bench::Results results = in_order(recorded, registered);
  // Rows are softedge's results; each table names its baseline: a peer's time / softedge's.
  for (const std::string& peer : peers) {
    const std::string title = "softedge against " + peer + " in this run (" + peer +
                              " time / softedge time; higher: softedge faster)";
    bench::print_ratios(out, results, title.c_str(), [&](const std::string& name) {
      const auto [prefix, engine] = split(name);
      return engine == "softedge" ? prefix + peer : std::string();
    });
  }

  // The fastest peer of each case, named: the figure a "faster than X" claim rests on.
  std::map<std::string, double> softedge_time;
  std::map<std::string, std::pair<std::string, double>> fastest;  // case -> {peer, time}
  std::vector<std::string> cases;
  for (const auto& [name, run] : results) {
    const auto [prefix, engine] = split(name);
    const double time = bench::time_per_iteration(run);
    if (time <= 0) continue;
    if (engine == "softedge") {
      softedge_time[prefix] = time;
      cases.push_back(prefix);
    }
    if (engine.rfind("softedge", 0) == 0) continue;
    const auto found = fastest.find(prefix);
    if (found == fastest.end() || time < found->second.second) fastest[prefix] = {engine, time};
  }
  bool title = false;
  for (const std::string& prefix : cases) {
    const auto peer = fastest.find(prefix);
    if (peer == fastest.end()) continue;
    if (!title) {
      std::fprintf(out, "\nsoftedge against the fastest peer of each case "
                        "(its time / softedge time):\n");
      title = true;
    }
    std::fprintf(out, "  %-32s %-8s %7.2fx\n", prefix.substr(0, prefix.size() - 1).c_str(),
                 peer->second.first.c_str(), peer->second.second / softedge_time[prefix]);
  }
}

}  // namespace peers
