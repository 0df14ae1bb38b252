// ratio_table.h — "how many times faster than its baseline", for results of one run (the
// machines are shared and drift; only same-run ratios mean much).
#ifndef SOFTEDGE_BENCH_RATIO_TABLE_H
#define SOFTEDGE_BENCH_RATIO_TABLE_H

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "recording_reporter.h"

namespace bench {

using Results = std::vector<std::pair<std::string, RecordedRun>>;

// The time a ratio compares: by default the time per iteration (the median over repetitions
// when there were any); softedge-bench passes its per-call median, which outliers on a busy
// machine move far less than the mean.
using Statistic = std::function<double(const RecordedRun& run)>;
double time_per_iteration(const RecordedRun& run);

// For every result whose baseline_of(name) names another result, one line "name  baseline /
// time" under `title`, in the order of `results`. Prints nothing (not even the title) when no
// pair exists.
void print_ratios(std::FILE* out, const Results& results, const char* title,
                  const std::function<std::string(const std::string& name)>& baseline_of,
                  const Statistic& statistic = time_per_iteration);

}  // namespace bench

#endif
