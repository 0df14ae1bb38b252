// confusion_chart.cpp — see confusion_chart.h.
#include "softedge/host/confusion_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "softedge/host/file_io.h"
#include "softedge/host/svg_document.h"

namespace softedge {
namespace host {

namespace {

constexpr double kCell = 54;
constexpr double kLabelSize = 13;
constexpr double kColumnLabelAngle = -40;  // degrees
constexpr double kScaleWidth = 320;

// A sequential white-to-navy palette; t in [0, 1].
const char* const kPalette[] = {"#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"};
constexpr int kPaletteStops = 5;

int hex_digit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

std::string palette_colour(double t) {
  t = std::min(1.0, std::max(0.0, t)) * (kPaletteStops - 1);
  const int i = std::min(static_cast<int>(t), kPaletteStops - 2);
  const double f = t - i;
  char out[8];
  int rgb[3];
  for (int channel = 0; channel < 3; ++channel) {
    const char* a = kPalette[i] + 1 + 2 * channel;
    const char* b = kPalette[i + 1] + 1 + 2 * channel;
    const int va = hex_digit(a[0]) * 16 + hex_digit(a[1]);
    const int vb = hex_digit(b[0]) * 16 + hex_digit(b[1]);
    rgb[channel] = static_cast<int>(std::lround(va + (vb - va) * f));
  }
  std::snprintf(out, sizeof out, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return out;
}

// Colour position of a share of the row: square root, so 1 % is already a visible tint.
double intensity(double share) { return std::sqrt(share); }

std::string percent(double share) {
  char text[16];
  std::snprintf(text, sizeof text, share >= 0.9995 ? "%.0f%%" : "%.1f%%", share * 100);
  return text;
}

}  // namespace

std::string confusion_matrix_svg(const std::vector<std::string>& class_names,
                                 const std::vector<uint32_t>& counts, const std::string& title) {
  const size_t n = class_names.size();
  if (n == 0 || counts.size() != n * n) {
    throw std::invalid_argument("confusion matrix: expected " + std::to_string(n * n) +
                                " counts for " + std::to_string(n) + " classes, got " +
                                std::to_string(counts.size()));
  }
  std::vector<uint64_t> row_total(n, 0);
  for (size_t t = 0; t < n; ++t) {
    for (size_t p = 0; p < n; ++p) row_total[t] += counts[t * n + p];
  }

  double label_width = 0;
  for (const std::string& name : class_names) {
    label_width = std::max(label_width, svg_text_width(name, kLabelSize));
  }
  const double angle = kColumnLabelAngle * 3.14159265358979 / 180;
  const double left = 34 + label_width + 12;
  const double top = 78;
  const double matrix = n * kCell;
  const double accuracy_column = 74;
  const double column_labels = label_width * std::fabs(std::sin(angle)) + 26;
  const double scale_top = top + matrix + column_labels + 46;
  const double height = scale_top + 52;
  const double width = std::max({left + matrix + accuracy_column + 16,
                                 svg_text_width(title, 17) + 40, kScaleWidth + 80});

  SvgDocument svg(width, height);
  svg.title(title);
  svg.rect(0, 0, width, height, "#ffffff");
  svg.text(width / 2, 30, title, {17, "middle", "#222222", true});
  svg.text(width / 2, 52,
           "rows: true class \u00b7 columns: predicted class \u00b7 cells: number of images",
           {12, "middle", "#555555"});

  // Cells, row by row, each a square and its count; the colour is the share of the row.
  svg.begin_group("cells");
  for (size_t t = 0; t < n; ++t) {
    for (size_t p = 0; p < n; ++p) {
      const uint32_t count = counts[t * n + p];
      const double share = row_total[t] ? static_cast<double>(count) / row_total[t] : 0.0;
      const double x = left + p * kCell, y = top + t * kCell;
      svg.rect(x, y, kCell, kCell, palette_colour(intensity(share)));
      const char* ink = intensity(share) > 0.6 ? "#ffffff" : count == 0 ? "#b0b0b0" : "#1a1a1a";
      svg.text(x + kCell / 2, y + kCell / 2 + 5, std::to_string(count),
               {t == p ? 14.0 : 13.0, "middle", ink, t == p});
    }
  }
  svg.end_group();
  const SvgStroke frame{"#888888", 1, ""};
  svg.rect(left, top, matrix, matrix, "none", &frame);

  // Row names (true class) on the left, column names (predicted class) under the matrix.
  svg.begin_group("row-labels");
  for (size_t i = 0; i < n; ++i) {
    svg.text(left - 8, top + i * kCell + kCell / 2 + 4.5, class_names[i],
             {kLabelSize, "end", "#222222"});
  }
  svg.end_group();
  svg.begin_group("column-labels");
  for (size_t i = 0; i < n; ++i) {
    SvgTextStyle column{kLabelSize, "end", "#222222"};
    column.rotate = kColumnLabelAngle;
    svg.text(left + i * kCell + kCell / 2 + 4, top + matrix + 14, class_names[i], column);
  }
  svg.end_group();
  SvgTextStyle axis_title{13, "middle", "#333333", true};
  axis_title.rotate = -90;
  svg.text(18, top + matrix / 2, "true class", axis_title);
  svg.text(left + matrix / 2, top + matrix + column_labels + 12, "predicted class",
           {13, "middle", "#333333", true});

  // Each row's accuracy (its diagonal share) at its end.
  const double accuracy_x = left + matrix + accuracy_column / 2;
  svg.begin_group("accuracy");
  svg.text(accuracy_x, top - 8, "accuracy", {12, "middle", "#333333", true});
  for (size_t t = 0; t < n; ++t) {
    const std::string text =
        row_total[t] ? percent(static_cast<double>(counts[t * n + t]) / row_total[t]) : "-";
    svg.text(accuracy_x, top + t * kCell + kCell / 2 + 4.5, text, {13, "middle", "#222222"});
  }
  svg.end_group();

  // The colour scale, with ticks at round shares placed on the square-root scale.
  const double scale_left = (width - kScaleWidth) / 2;
  std::vector<std::pair<double, std::string>> stops;
  for (int i = 0; i < kPaletteStops; ++i) {
    stops.emplace_back(static_cast<double>(i) / (kPaletteStops - 1), kPalette[i]);
  }
  svg.linear_gradient("palette", stops);
  svg.begin_group("colour-scale");
  svg.text(width / 2, scale_top - 8, "colour: share of the true class's images",
           {12, "middle", "#333333"});
  svg.rect(scale_left, scale_top, kScaleWidth, 14, "url(#palette)", &frame);
  const SvgStroke tick{"#555555", 1, ""};
  for (double share : {0.0, 0.02, 0.1, 0.25, 0.5, 1.0}) {
    const double x = scale_left + intensity(share) * kScaleWidth;
    svg.line(x, scale_top + 14, x, scale_top + 19, tick);
    char label[24];
    std::snprintf(label, sizeof label, "%g%%", share * 100);
    svg.text(x, scale_top + 32, label, {11, "middle", "#444444"});
  }
  svg.end_group();
  return svg.str();
}

void write_confusion_matrix_svg(const std::string& path,
                                const std::vector<std::string>& class_names,
                                const std::vector<uint32_t>& counts, const std::string& title) {
  const std::string text = confusion_matrix_svg(class_names, counts, title);
  write_file_atomically(path, std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace host
}  // namespace softedge
