// training_curves.cpp — see training_curves.h.
#include "softedge/host/file_io.h"
#include "softedge/host/training_curves.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "softedge/host/svg_document.h"

namespace softedge {
namespace host {

namespace {

constexpr double kWidth = 720;
constexpr double kHeight = 440;
constexpr double kPlotLeft = 70;
constexpr double kPlotRight = kWidth - 30;
constexpr double kPlotTop = 84;
constexpr double kPlotBottom = kHeight - 58;
constexpr size_t kMaxMarkedEpochs = 40;  // beyond that, dots would hide the lines

struct Series {
  std::string name;
  std::string color;
  std::string dash;
  std::vector<double> values;  // one per epoch; NaN: not measured
};

// A round step (1, 2 or 5 times a power of ten) giving about `wanted` intervals over `span`.
double nice_step(double span, double wanted) {
  const double raw = span / wanted;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double residual = raw / magnitude;
  return magnitude * (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10);
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Decimals that show a tick step exactly (0.1 -> 1, 0.05 -> 2, 2 -> 0).
int decimals_for(double step) {
  int decimals = 0;
  while (decimals < 6 && std::fabs(step * std::pow(10.0, decimals) -
                                   std::round(step * std::pow(10.0, decimals))) > 1e-9) {
    ++decimals;
  }
  return decimals;
}

}  // namespace

std::string training_curves_svg(const std::vector<EpochReport>& history,
                                const std::string& title) {
  if (history.empty()) throw std::invalid_argument("training curves: no epochs to plot");
  const double nan = std::numeric_limits<double>::quiet_NaN();

  // The lesson's styles: a solid loss curve, dashed and dash-dotted accuracy curves; the
  // validation accuracy (not in the lesson) dotted.
  std::vector<Series> series = {
      {"train loss", "#1f77b4", "", {}},
      {"train acc", "#c0399b", "8 4", {}},
      {"validation acc", "#d62728", "2 3", {}},
      {"test acc", "#2ca02c", "8 3 2 3", {}},
  };
  for (const EpochReport& e : history) {
    series[0].values.push_back(e.train_loss);
    series[1].values.push_back(e.train_accuracy);
    series[2].values.push_back(e.validation_accuracy >= 0 ? e.validation_accuracy : nan);
    series[3].values.push_back(e.test_accuracy >= 0 ? e.test_accuracy : nan);
  }

  // Value axis: round limits around every finite value, like d2l's ylim=[0.3, 0.9].
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (Series& s : series) {
    for (double& v : s.values) {
      if (!std::isfinite(v)) v = nan;
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(lo <= hi)) lo = 0, hi = 1;             // nothing finite to plot
  if (hi - lo < 0.05) lo -= 0.05, hi += 0.05;  // a flat line still gets an axis
  const double y_step = nice_step(hi - lo, 5);
  lo = std::max(0.0, std::floor(lo / y_step + 1e-9) * y_step);
  hi = std::ceil(hi / y_step - 1e-9) * y_step;

  // Epoch axis.
  double first = history.front().epoch, last = history.front().epoch;
  for (const EpochReport& e : history) {
    first = std::min<double>(first, e.epoch);
    last = std::max<double>(last, e.epoch);
  }
  if (last == first) first -= 0.5, last += 0.5;  // a single epoch sits in the middle
  const double x_step = std::max(1.0, nice_step(last - first, 10));
  const double x_pad = (last - first) * 0.03;  // end points clear of the axes

  const auto x_of = [&](double epoch) {
    return kPlotLeft + (epoch - first + x_pad) / (last - first + 2 * x_pad) *
                           (kPlotRight - kPlotLeft);
  };
  const auto y_of = [&](double value) {
    return kPlotBottom - (value - lo) / (hi - lo) * (kPlotBottom - kPlotTop);
  };

  SvgDocument svg(kWidth, kHeight);
  svg.title(title);
  svg.rect(0, 0, kWidth, kHeight, "#ffffff");
  svg.text(kWidth / 2, 30, title, {17, "middle", "#222222", true});

  // Grid and ticks.
  svg.begin_group("axes");
  const SvgStroke grid{"#e3e3e3", 1, ""};
  const SvgStroke axis{"#555555", 1.2, ""};
  const int y_decimals = decimals_for(y_step);
  const int y_ticks = static_cast<int>(std::lround((hi - lo) / y_step));
  for (int i = 0; i <= y_ticks; ++i) {
    const double v = lo + i * y_step;
    svg.line(kPlotLeft, y_of(v), kPlotRight, y_of(v), grid);
    svg.line(kPlotLeft - 5, y_of(v), kPlotLeft, y_of(v), axis);
    svg.text(kPlotLeft - 9, y_of(v) + 4, fixed(v, y_decimals), {12, "end", "#444444"});
  }
  for (double epoch = std::ceil(first / x_step) * x_step; epoch <= last + 1e-9; epoch += x_step) {
    svg.line(x_of(epoch), kPlotTop, x_of(epoch), kPlotBottom, grid);
    svg.line(x_of(epoch), kPlotBottom, x_of(epoch), kPlotBottom + 5, axis);
    svg.text(x_of(epoch), kPlotBottom + 19, fixed(epoch, 0), {12, "middle", "#444444"});
  }
  svg.line(kPlotLeft, kPlotBottom, kPlotRight, kPlotBottom, axis);
  svg.line(kPlotLeft, kPlotTop, kPlotLeft, kPlotBottom, axis);
  svg.text((kPlotLeft + kPlotRight) / 2, kHeight - 16, "epoch", {13, "middle", "#333333"});
  SvgTextStyle y_label{13, "middle", "#333333"};
  y_label.rotate = -90;
  svg.text(20, (kPlotTop + kPlotBottom) / 2, "loss / accuracy", y_label);
  svg.end_group();

  // Curves (a series with no values is left out, legend included).
  std::vector<const Series*> shown;
  for (const Series& s : series) {
    std::vector<std::pair<double, double>> points;
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (!std::isnan(s.values[i])) points.emplace_back(x_of(history[i].epoch), y_of(s.values[i]));
    }
    if (points.empty()) continue;
    shown.push_back(&s);
    std::string id = s.name;  // "train loss" -> group "train-loss"
    std::replace(id.begin(), id.end(), ' ', '-');
    svg.begin_group(id);
    svg.polyline(points, {s.color, 2.4, s.dash});
    if (history.size() <= kMaxMarkedEpochs) {
      const SvgStroke ring{"#ffffff", 1, ""};
      for (const auto& p : points) svg.circle(p.first, p.second, 3.4, s.color, &ring);
    }
    svg.end_group();
  }

  // Legend under the title, each entry with its last value: one row, centred, when it fits,
  // else as many rows as needed (four curves do not fit one row).
  std::vector<std::string> labels;
  std::vector<double> widths;
  double legend_width = 0;
  for (const Series* s : shown) {
    double last_value = nan;
    for (double v : s->values) {
      if (!std::isnan(v)) last_value = v;
    }
    labels.push_back(s->name + " (final " + fixed(last_value, 3) + ")");
    widths.push_back(34 + svg_text_width(labels.back(), 13) + 24);
    legend_width += widths.back();
  }
  const bool one_row = legend_width <= kPlotRight - kPlotLeft;
  double x = one_row ? (kPlotLeft + kPlotRight - legend_width) / 2 : kPlotLeft;
  double y = one_row ? 56 : 48;
  svg.begin_group("legend");
  for (size_t i = 0; i < shown.size(); ++i) {
    if (x + widths[i] - 24 > kPlotRight) {
      x = kPlotLeft;
      y += 20;
    }
    svg.line(x, y, x + 28, y, {shown[i]->color, 2.4, shown[i]->dash});
    svg.circle(x + 14, y, 3.4, shown[i]->color);
    svg.text(x + 34, y + 4.5, labels[i], {13, "start", "#222222"});
    x += widths[i];
  }
  svg.end_group();
  return svg.str();
}

void write_training_curves_svg(const std::string& path,
                               const std::vector<EpochReport>& history,
                               const std::string& title) {
  const std::string text = training_curves_svg(history, title);
  write_file_atomically(path, std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace host
}  // namespace softedge
