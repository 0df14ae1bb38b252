// softedge/train/progress_bar.h — a one-line progress bar on a terminal, redrawn in place;
// silent when the stream is not a terminal or TERM is unset or "dumb" (logs, pipes and
// terminals without cursor control get the per-epoch lines only, never an escape code).
#ifndef SOFTEDGE_TRAIN_PROGRESS_BAR_H
#define SOFTEDGE_TRAIN_PROGRESS_BAR_H

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace softedge {
namespace train {

class ProgressBar {
 public:
  explicit ProgressBar(std::FILE* stream);
  bool enabled() const { return enabled_; }

  // Whether a bar may be drawn: on a terminal whose TERM (`term`, may be null) handles "\r"
  // and the erase-line escape.
  static bool wanted(bool is_terminal, const char* term);

  // Epoch `epoch` of `epochs`, `done` of `total` so far, the running mean loss (negative:
  // not known yet, not shown).
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
