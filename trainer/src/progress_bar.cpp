#include "softedge/train/progress_bar.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace softedge {
namespace train {

namespace {
constexpr int kWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);  // a terminal needs no more
}  // namespace

bool ProgressBar::wanted(bool is_terminal, const char* term) {
  return is_terminal && term != nullptr && term[0] != '\0' && std::strcmp(term, "dumb") != 0;
}

ProgressBar::ProgressBar(std::FILE* stream)
    : stream_(stream), enabled_(wanted(isatty(fileno(stream)) == 1, std::getenv("TERM"))) {}

void ProgressBar::update(uint32_t epoch, uint32_t epochs, uint64_t done, uint64_t total,
                         double loss) {
  if (!enabled_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const int filled = static_cast<int>(kWidth * done / total);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  std::fprintf(stream_, "\r\033[Kepoch %u/%u [%s] %3d%%", epoch, epochs, bar,
               static_cast<int>(100 * done / total));
  if (loss >= 0) std::fprintf(stream_, "  loss %.4f", loss);
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stream_, "\r\033[K");
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace train
}  // namespace softedge
