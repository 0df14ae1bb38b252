// Wrapping CreateDefaultDisplayReporter() instead of deriving from ConsoleReporter keeps every
// output flag working: the reporter is the one Google Benchmark would have used without us.
#include "recording_reporter.h"

#include <algorithm>
#include <iostream>

namespace bench {

RecordingReporter::RecordingReporter()
    : display_(benchmark::CreateDefaultDisplayReporter()),
      console_(dynamic_cast<benchmark::ConsoleReporter*>(display_) != nullptr) {}

bool RecordingReporter::ReportContext(const Context& context) {
  return display_->ReportContext(context);
}

void RecordingReporter::ReportRuns(const std::vector<Run>& runs) {
  display_->ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    RecordedRun recorded;
    recorded.seconds_per_iteration =
        run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
    for (const auto& [name, counter] : run.counters) recorded.counters[name] = counter.value;
    const std::string& name = run.run_name.function_name;
    // Once per name: the aggregates of a repeated benchmark (mean, median, ...) come one by
    // one, and with aggregates-only display there is no single run before them.
    if (std::find(order_.begin(), order_.end(), name) == order_.end()) order_.push_back(name);
    if (run.run_type == Run::RT_Aggregate) {
      if (run.aggregate_name == "median") medians_[name] = recorded;
    } else {
      singles_[name] = recorded;
    }
  }
}

void RecordingReporter::Finalize() { display_->Finalize(); }

std::vector<std::pair<std::string, RecordedRun>> RecordingReporter::results() const {
  std::vector<std::pair<std::string, RecordedRun>> ordered;
  for (const std::string& name : order_) {
    const auto median = medians_.find(name);
    ordered.emplace_back(name, median != medians_.end() ? median->second : singles_.at(name));
  }
  return ordered;
}

std::FILE* RecordingReporter::extra_output() const {
  display_->GetOutputStream().flush();
  std::fflush(stdout);
  return console_ ? stdout : stderr;
}

}  // namespace bench
