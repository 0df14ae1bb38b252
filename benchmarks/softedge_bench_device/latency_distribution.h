// latency_distribution.h — the timer behind the per-inference latencies, and the percentiles
// of a set of them.
#ifndef SOFTEDGE_BENCH_DEVICE_LATENCY_DISTRIBUTION_H
#define SOFTEDGE_BENCH_DEVICE_LATENCY_DISTRIBUTION_H

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace device_bench {

// std::chrono::steady_clock is CLOCK_MONOTONIC with libstdc++ on Linux (a vDSO call, no
// system call): the clock the single-inference latencies are read from.
using LatencyClock = std::chrono::steady_clock;

struct TimerInfo {
  std::string name;
  double resolution_ns = 0;  // clock_getres(): what the clock claims
  double step_ns = 0;        // smallest non-zero difference seen: what it delivers (a Pi's
                             // counter runs at 19.2 or 54 MHz: 52 or 18.5 ns steps)
  double read_cost_ns = 0;   // median of back-to-back readings: included in every sample
};

// Measures the clock once (a few thousand readings).
TimerInfo describe_timer();

// Nearest-rank percentiles of latencies in nanoseconds.
struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Percentiles percentiles(std::vector<uint32_t>* samples_ns);  // reorders the samples

// At most this many single inferences are kept per run (16 MB); later ones are timed but not
// kept, so a long --benchmark_min_time cannot exhaust a small device's memory.
constexpr size_t kMaxLatencySamples = size_t{1} << 22;

}  // namespace device_bench

#endif
