// softedge/host/svg_document.h — a small writer of self-contained SVG 1.1 pictures: shapes and text in
// user units (1 unit = 1 CSS pixel at the natural size), no external fonts, images or
// scripts. Text uses one font stack (kSvgFontFamily) set once on the root element; its width
// is estimated with svg_text_width() for layout.
//
//   SvgDocument svg(640, 400);
//   svg.rect(0, 0, 640, 400, "#ffffff");
//   svg.text(320, 24, "Title & more", {16, "middle", "#222222", true});
//   svg.save("chart.svg");  // atomically
#ifndef SOFTEDGE_HOST_SVG_DOCUMENT_H
#define SOFTEDGE_HOST_SVG_DOCUMENT_H

#include <string>
#include <utility>
#include <vector>

namespace softedge {
namespace host {

// Generic families only: every renderer has them, so the file needs nothing from outside.
constexpr const char* kSvgFontFamily = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

// `text` with &, <, >, " and ' as XML character references, and control characters (which
// XML 1.0 forbids) replaced by '?'; other bytes pass through, so UTF-8 stays UTF-8. Safe in
// element content and in quoted attribute values.
std::string svg_escape(const std::string& text);

// A coordinate or length: at most 2 decimals, no trailing zeros ("12", "12.5", "-0.25").
std::string svg_number(double value);

// Roughly how wide `text` is in the font stack at `font_size` (for layout, not exact).
double svg_text_width(const std::string& text, double font_size);

struct SvgTextStyle {
  double size = 12;
  const char* anchor = "start";  // "start", "middle" or "end"
  std::string fill = "#222222";
  bool bold = false;
  double rotate = 0;  // degrees, clockwise, about the anchor point (x, y)
};

struct SvgStroke {
  std::string color = "#000000";
  double width = 1;
  std::string dash;  // stroke-dasharray, e.g. "6 3"; empty: solid
};

class SvgDocument {
 public:
  SvgDocument(double width, double height);

  // <title> of the document (shown by viewers as a tooltip / used by screen readers).
  void title(const std::string& text);
  void rect(double x, double y, double width, double height, const std::string& fill,
            const SvgStroke* stroke = nullptr);
  void line(double x1, double y1, double x2, double y2, const SvgStroke& stroke);
  void polyline(const std::vector<std::pair<double, double>>& points, const SvgStroke& stroke);
  void circle(double cx, double cy, double r, const std::string& fill,
              const SvgStroke* stroke = nullptr);
  void text(double x, double y, const std::string& content, const SvgTextStyle& style);
  // <g id=ID> ... </g> around what is drawn in between: names the parts of a chart
  // ("cells", "curves") for readers and tests. str() closes groups left open.
  void begin_group(const std::string& id);
  void end_group();
  // <linearGradient id=ID> from left to right through `stops` (offset 0..1, colour); use it
  // as fill "url(#ID)".
  void linear_gradient(const std::string& id,
                       const std::vector<std::pair<double, std::string>>& stops);

  // The whole file: XML declaration, <svg> root with width, height and viewBox.
  std::string str() const;
  // Writes str() to `path` atomically. Throws FileError naming the file.
  void save(const std::string& path) const;

 private:
  double width_;
  double height_;
  std::string title_;
  std::string defs_;
  std::string body_;
  int open_groups_ = 0;
};

}  // namespace host
}  // namespace softedge

#endif
