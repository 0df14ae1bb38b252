// recording_reporter.h — Google Benchmark's own display reporter, chosen by the usual flags
// (--benchmark_format=console|json|csv, --benchmark_color, ...), plus a record of every run it
// showed, so a program can print same-run tables afterwards without replacing that output.
#ifndef SOFTEDGE_BENCH_RECORDING_REPORTER_H
#define SOFTEDGE_BENCH_RECORDING_REPORTER_H

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace bench {

// One benchmark's result as shown: the median over repetitions when there were repetitions,
// else the single run.
struct RecordedRun {
  double seconds_per_iteration = 0;  // real (or manual) time
  std::map<std::string, double> counters;
};

class RecordingReporter : public benchmark::BenchmarkReporter {
 public:
  RecordingReporter();

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // In the order they ran, named as registered (without /manual_time, /repeats:N, ...).
  std::vector<std::pair<std::string, RecordedRun>> results() const;

  // Where extra tables go: stdout after the console table, stderr when stdout carries JSON or
  // CSV (which must stay parseable on its own). Flushes the reporter's stream first.
  std::FILE* extra_output() const;

 private:
  benchmark::BenchmarkReporter* display_;  // owned by Google Benchmark (a static instance)
  bool console_;
  std::vector<std::string> order_;
  std::map<std::string, RecordedRun> singles_;
  std::map<std::string, RecordedRun> medians_;
};

}  // namespace bench

#endif
