#include "ratio_table.h"

#include <algorithm>
#include <vector>

namespace bench {

double time_per_iteration(const RecordedRun& run) { return run.seconds_per_iteration; }

void print_ratios(std::FILE* out, const Results& results, const char* title,
                  const std::function<std::string(const std::string& name)>& baseline_of,
                  const Statistic& statistic) {
  std::map<std::string, double> time_of;
  for (const auto& [name, run] : results) time_of[name] = statistic(run);
  std::vector<std::pair<std::string, double>> rows;
  size_t width = 0;
  for (const auto& [name, run] : results) {
    const std::string baseline_name = baseline_of(name);
    if (baseline_name.empty() || baseline_name == name) continue;
    const auto baseline = time_of.find(baseline_name);
    const double time = time_of[name];
    if (baseline == time_of.end() || time <= 0 || baseline->second <= 0) continue;
    rows.emplace_back(name, baseline->second / time);
    width = std::max(width, name.size());
  }
  if (rows.empty()) return;
  std::fprintf(out, "\n%s:\n", title);
  for (const auto& [name, ratio] : rows) {
    std::fprintf(out, "  %-*s %7.2fx\n", static_cast<int>(width), name.c_str(), ratio);
  }
}

}  // namespace bench
