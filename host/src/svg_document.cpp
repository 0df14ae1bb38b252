// svg_document.cpp — see svg_document.h.
#include "softedge/host/svg_document.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "softedge/host/file_io.h"

namespace softedge {
namespace host {

std::string svg_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        const bool allowed_control = c == '\t' || c == '\n' || c == '\r';
        out += (static_cast<unsigned char>(c) < 0x20 && !allowed_control) || c == 0x7f ? '?' : c;
    }
  }
  return out;
}

std::string svg_number(double value) {
  if (!std::isfinite(value)) return "0";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  std::string s = text;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

double svg_text_width(const std::string& text, double font_size) {
  double em = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: same character
    if (std::strchr(" .,:;'!|()[]ijlfrtI/", c) != nullptr && c != 0) {
      em += 0.36;
    } else if (std::strchr("mwMW%@", c) != nullptr && c != 0) {
      em += 0.9;
    } else if (c >= 'A' && c <= 'Z') {
      em += 0.7;
    } else {
      em += 0.6;
    }
  }
  return em * font_size;
}

namespace {

std::string stroke_attributes(const SvgStroke& stroke) {
  std::string out = " stroke=\"" + svg_escape(stroke.color) + "\" stroke-width=\"" +
                    svg_number(stroke.width) + "\"";
  if (!stroke.dash.empty()) out += " stroke-dasharray=\"" + svg_escape(stroke.dash) + "\"";
  return out;
}

}  // namespace

SvgDocument::SvgDocument(double width, double height) : width_(width), height_(height) {}

void SvgDocument::title(const std::string& text) { title_ = text; }

void SvgDocument::rect(double x, double y, double width, double height, const std::string& fill,
                       const SvgStroke* stroke) {
  body_ += "<rect x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" width=\"" +
           svg_number(width) + "\" height=\"" + svg_number(height) + "\" fill=\"" +
           svg_escape(fill) + "\"" + (stroke ? stroke_attributes(*stroke) : "") + "/>\n";
}

void SvgDocument::line(double x1, double y1, double x2, double y2, const SvgStroke& stroke) {
  body_ += "<line x1=\"" + svg_number(x1) + "\" y1=\"" + svg_number(y1) + "\" x2=\"" +
           svg_number(x2) + "\" y2=\"" + svg_number(y2) + "\"" + stroke_attributes(stroke) +
           "/>\n";
}

void SvgDocument::polyline(const std::vector<std::pair<double, double>>& points,
                           const SvgStroke& stroke) {
  std::string list;
  for (const auto& p : points) {
    list += (list.empty() ? "" : " ") + svg_number(p.first) + "," + svg_number(p.second);
  }
  body_ += "<polyline points=\"" + list + "\" fill=\"none\"" + stroke_attributes(stroke) +
           " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n";
}

void SvgDocument::circle(double cx, double cy, double r, const std::string& fill,
                         const SvgStroke* stroke) {
  body_ += "<circle cx=\"" + svg_number(cx) + "\" cy=\"" + svg_number(cy) + "\" r=\"" +
           svg_number(r) + "\" fill=\"" + svg_escape(fill) + "\"" +
           (stroke ? stroke_attributes(*stroke) : "") + "/>\n";
}

void SvgDocument::text(double x, double y, const std::string& content,
                       const SvgTextStyle& style) {
  body_ += "<text x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" font-size=\"" +
           svg_number(style.size) + "\"";
  if (std::strcmp(style.anchor, "start") != 0) {
    body_ += std::string(" text-anchor=\"") + style.anchor + "\"";
  }
  if (style.fill != "#000000") body_ += " fill=\"" + svg_escape(style.fill) + "\"";
  if (style.bold) body_ += " font-weight=\"bold\"";
  if (style.rotate != 0) {
    body_ += " transform=\"rotate(" + svg_number(style.rotate) + " " + svg_number(x) + " " +
             svg_number(y) + ")\"";
  }
  body_ += ">" + svg_escape(content) + "</text>\n";
}

void SvgDocument::begin_group(const std::string& id) {
  body_ += "<g id=\"" + svg_escape(id) + "\">\n";
  ++open_groups_;
}

void SvgDocument::end_group() {
  if (open_groups_ == 0) return;
  body_ += "</g>\n";
  --open_groups_;
}

void SvgDocument::linear_gradient(const std::string& id,
                                  const std::vector<std::pair<double, std::string>>& stops) {
  defs_ += "<linearGradient id=\"" + svg_escape(id) + "\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"0\">\n";
  for (const auto& stop : stops) {
    defs_ += "<stop offset=\"" + svg_number(stop.first) + "\" stop-color=\"" +
             svg_escape(stop.second) + "\"/>\n";
  }
  defs_ += "</linearGradient>\n";
}

std::string SvgDocument::str() const {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
         svg_number(width_) + "\" height=\"" + svg_number(height_) + "\" viewBox=\"0 0 " +
         svg_number(width_) + " " + svg_number(height_) + "\" font-family=\"" +
         svg_escape(kSvgFontFamily) + "\">\n";
  if (!title_.empty()) out += "<title>" + svg_escape(title_) + "</title>\n";
  if (!defs_.empty()) out += "<defs>\n" + defs_ + "</defs>\n";
  out += body_;
  for (int i = 0; i < open_groups_; ++i) out += "</g>\n";
  out += "</svg>\n";
  return out;
}

void SvgDocument::save(const std::string& path) const {
  const std::string text = str();
  write_file_atomically(path, std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace host
}  // namespace softedge
