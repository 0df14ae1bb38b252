#include "latency_distribution.h"

#include <time.h>

#include <algorithm>

namespace device_bench {

TimerInfo describe_timer() {
  TimerInfo info;
  info.name = "std::chrono::steady_clock (CLOCK_MONOTONIC)";
  timespec resolution{};
  if (clock_getres(CLOCK_MONOTONIC, &resolution) == 0) {
    info.resolution_ns = resolution.tv_sec * 1e9 + resolution.tv_nsec;
  }
  std::vector<uint32_t> gaps(4001);
  for (uint32_t& gap : gaps) {
    const auto t0 = LatencyClock::now();
    const auto t1 = LatencyClock::now();
    gap = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  }
  uint32_t step = UINT32_MAX;
  for (uint32_t gap : gaps) {
    if (gap > 0) step = std::min(step, gap);
  }
  info.step_ns = step == UINT32_MAX ? 0 : step;
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  info.read_cost_ns = gaps[gaps.size() / 2];
  return info;
}

Percentiles percentiles(std::vector<uint32_t>* samples_ns) {
  Percentiles p;
  std::vector<uint32_t>& s = *samples_ns;
  if (s.empty()) return p;
  // Nearest rank: the smallest sample with at least q of all samples at or below it.
  auto rank = [&](double q) {
    size_t k = static_cast<size_t>(q * static_cast<double>(s.size()) + 0.999999);
    k = std::min(std::max<size_t>(k, 1), s.size()) - 1;
    std::nth_element(s.begin(), s.begin() + k, s.end());
    return static_cast<double>(s[k]);
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.max = *std::max_element(s.begin(), s.end());
  return p;
}

}  // namespace device_bench
