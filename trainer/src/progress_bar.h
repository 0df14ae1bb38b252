// progress_bar.h — a one-line progress bar on a terminal, redrawn in place; silent when the
// stream is not a terminal (logs and pipes get the per-epoch lines only).
#ifndef SOFTEDGE_TRAINER_PROGRESS_BAR_H
#define SOFTEDGE_TRAINER_PROGRESS_BAR_H

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace softedge {
namespace train {

class ProgressBar {
 public:
  explicit ProgressBar(std::FILE* stream);
  bool enabled() const { return enabled_; }

  // Epoch `epoch` of `epochs`, `done` of `total` examples so far, the running mean loss.
  void update(uint32_t epoch, uint32_t epochs, uint64_t done, uint64_t total, double loss);
  // Erases the bar so a normal line can be printed.
  void clear();

 private:
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace train
}  // namespace softedge

#endif
