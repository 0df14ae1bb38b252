// test_svg_charts.cpp — the SVG writer (escaping, numbers, structure) and the two charts
// drawn with it (training curves, confusion matrix), each parsed back with mini_xml.h: the
// file must be well-formed XML with an <svg> root and hold the data it was given.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mini_xml.h"
#include "softedge/host/confusion_chart.h"
#include "softedge/host/svg_document.h"
#include "softedge/host/training_curves.h"

namespace host = softedge::host;

using mini_xml::Element;

namespace {

// The <svg> root of `document`, checked to be SVG 1.1 with a viewBox.
Element parse_svg(const std::string& document) {
  INFO(document.substr(0, 400));
  Element root;
  REQUIRE_NOTHROW(root = mini_xml::parse(document));
  CHECK(root.name == "svg");
  CHECK(root.attribute("xmlns") == "http://www.w3.org/2000/svg");
  CHECK(root.attribute("version") == "1.1");
  CHECK(root.attribute("viewBox") ==
        "0 0 " + root.attribute("width") + " " + root.attribute("height"));
  // Self-contained: nothing is fetched from elsewhere.
  CHECK(document.find("href") == std::string::npos);
  CHECK(document.find("<script") == std::string::npos);
  CHECK(document.find("@font-face") == std::string::npos);
  return root;
}

const Element& group(const Element& root, const std::string& id) {
  const Element* g = root.by_id(id);
  INFO("group id: " << id);
  REQUIRE(g != nullptr);
  REQUIRE(g->name == "g");
  return *g;
}

std::vector<std::string> texts(const Element& parent) {
  std::vector<std::string> out;
  for (const Element* t : parent.all("text")) out.push_back(t->text);
  return out;
}

// "x1,y1 x2,y2 ..." as numbers.
std::vector<std::pair<double, double>> points_of(const Element& polyline) {
  std::vector<std::pair<double, double>> out;
  const std::string list = polyline.attribute("points");
  const char* p = list.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    const double x = std::strtod(p, &end);
    REQUIRE(*end == ',');
    const double y = std::strtod(end + 1, &end);
    out.emplace_back(x, y);
    p = end;
    while (*p == ' ') ++p;
  }
  return out;
}

std::vector<host::EpochReport> lesson_like_history(uint32_t epochs) {
  std::vector<host::EpochReport> history;
  for (uint32_t e = 1; e <= epochs; ++e) {
    host::EpochReport r;
    r.epoch = e;
    r.train_loss = 0.45 + 0.35 / e;
    r.train_accuracy = 0.85 - 0.1 / e;
    r.test_accuracy = 0.83 - 0.05 / e;
    history.push_back(r);
  }
  return history;
}

}  // namespace

TEST_CASE("svg_escape: markup characters become references, text stays text") {
  CHECK(host::svg_escape("plain text") == "plain text");
  CHECK(host::svg_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  CHECK(host::svg_escape("&amp;") == "&amp;amp;");         // already escaped text is text too
  CHECK(host::svg_escape("bell\x07 nul") == "bell? nul");  // XML 1.0 forbids controls
  CHECK(host::svg_escape(std::string("a\0b", 3)) == "a?b");
  CHECK(host::svg_escape("tab\tline\n") == "tab\tline\n");
  CHECK(host::svg_escape("Gr\xc3\xb6\xc3\x9f"
                         "e") ==
        "Gr\xc3\xb6\xc3\x9f"
        "e");  // UTF-8 kept
}

TEST_CASE("svg_number: short, locale-free numbers") {
  CHECK(host::svg_number(12) == "12");
  CHECK(host::svg_number(12.5) == "12.5");
  CHECK(host::svg_number(-0.254) == "-0.25");
  CHECK(host::svg_number(-0.001) == "0");
  CHECK(host::svg_number(std::numeric_limits<double>::infinity()) == "0");
}

TEST_CASE("SvgDocument: any text survives a round trip through an XML parser") {
  const std::string nasty = "<script>alert(\"x\") & 'y'</script> ]]> \x01";
  host::SvgDocument svg(100, 50);
  svg.title(nasty);
  svg.begin_group(nasty);
  svg.text(10, 20, nasty, {});
  svg.rect(0, 0, 10, 10, "\"red\"");
  svg.begin_group("left-open");
  const Element root = parse_svg(svg.str());
  CHECK(root.attribute("width") == "100");
  CHECK(root.attribute("height") == "50");
  const std::string expected = "<script>alert(\"x\") & 'y'</script> ]]> ?";
  REQUIRE(root.all("title").size() == 1);
  CHECK(root.all("title")[0]->text == expected);
  REQUIRE(root.all("text").size() == 1);
  CHECK(root.all("text")[0]->text == expected);
  CHECK(root.by_id(expected) != nullptr);
  CHECK(root.by_id("left-open") != nullptr);  // closed by str()
  CHECK(root.all("rect")[0]->attribute("fill") == "\"red\"");
  CHECK(root.all("script").empty());
}

TEST_CASE("mini_xml rejects what is not well-formed") {
  for (const char* bad : {"<svg>", "<svg></g>", "<svg a=\"1\" a=\"2\"/>", "<svg>&</svg>",
                          "<svg>&nbsp;</svg>", "<svg a=1/>", "<svg/><svg/>", "<svg>a<b</svg>",
                          "<svg a=\"<\"/>", "text", ""}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(mini_xml::parse(bad), mini_xml::ParseError);
  }
  CHECK(mini_xml::parse("<?xml version=\"1.0\"?>\n<!-- c --><svg a='1'>&#x41;&#66;</svg>\n")
            .text == "AB");
}

TEST_CASE("training curves: one curve per series with a point per epoch, a legend") {
  auto history = lesson_like_history(7);
  const std::string title = "d2l preset & friends <seed 0>";
  const Element root = parse_svg(host::training_curves_svg(history, title));

  REQUIRE(root.all("title").size() == 1);
  CHECK(root.all("title")[0]->text == title);
  bool title_drawn = false;
  for (const std::string& t : texts(root)) title_drawn = title_drawn || t == title;
  CHECK(title_drawn);

  const double width = std::atof(root.attribute("width").c_str());
  const double height = std::atof(root.attribute("height").c_str());
  for (const char* id : {"train-loss", "train-acc", "test-acc"}) {
    CAPTURE(id);
    const Element& g = group(root, id);
    REQUIRE(g.all("polyline").size() == 1);
    const auto points = points_of(*g.all("polyline")[0]);
    REQUIRE(points.size() == history.size());
    CHECK(g.all("circle").size() == history.size());
    for (size_t i = 0; i < points.size(); ++i) {
      CHECK(points[i].first > 0);
      CHECK(points[i].first < width);
      CHECK(points[i].second > 0);
      CHECK(points[i].second < height);
      if (i > 0) CHECK(points[i].first > points[i - 1].first);  // epochs left to right
    }
  }
  // The loss falls, so its curve goes down the picture (SVG's y grows downwards); the
  // accuracies rise.
  const auto loss = points_of(*group(root, "train-loss").all("polyline")[0]);
  const auto acc = points_of(*group(root, "train-acc").all("polyline")[0]);
  CHECK(loss.back().second > loss.front().second);
  CHECK(acc.back().second < acc.front().second);

  const std::vector<std::string> legend = texts(group(root, "legend"));
  REQUIRE(legend.size() == 3);
  CHECK(legend[0] == "train loss (final 0.500)");
  CHECK(legend[1] == "train acc (final 0.836)");
  CHECK(legend[2] == "test acc (final 0.823)");

  // Axis labels: the epochs 1..7 and the names of both axes.
  const std::vector<std::string> axis_texts = texts(group(root, "axes"));
  for (const char* t : {"1", "4", "7", "epoch", "loss / accuracy"}) {
    CAPTURE(t);
    CHECK(std::find(axis_texts.begin(), axis_texts.end(), t) != axis_texts.end());
  }
}

TEST_CASE("training curves: no test split, a single epoch, no epochs") {
  auto history = lesson_like_history(1);
  history[0].test_accuracy = -1;  // trained without a test split
  const Element root = parse_svg(host::training_curves_svg(history, "one epoch"));
  CHECK(root.by_id("test-acc") == nullptr);
  CHECK(texts(group(root, "legend")).size() == 2);
  CHECK(points_of(*group(root, "train-loss").all("polyline")[0]).size() == 1);

  CHECK_THROWS_AS(host::training_curves_svg({}, "empty"), std::invalid_argument);
}

TEST_CASE("confusion matrix: a cell per pair with its count, class names on both axes") {
  const std::vector<std::string> names = {"T-shirt/top", "A&B <x>", "Bag"};
  const std::vector<uint32_t> counts = {50, 3, 0,   //
                                        7, 40, 1,   //
                                        0, 0, 0};   // a class without test images
  const Element root = parse_svg(host::confusion_matrix_svg(names, counts, "3 & 3"));

  const Element& cells = group(root, "cells");
  CHECK(cells.all("rect").size() == 9);
  std::vector<std::string> expected_counts;
  for (uint32_t c : counts) expected_counts.push_back(std::to_string(c));
  CHECK(texts(cells) == expected_counts);  // row by row: [true][predicted]
  // Darker for a larger share of the row: the diagonal cell of row 0 differs from a 0 cell.
  CHECK(cells.all("rect")[0]->attribute("fill") != cells.all("rect")[2]->attribute("fill"));

  CHECK(texts(group(root, "row-labels")) == names);
  CHECK(texts(group(root, "column-labels")) == names);
  CHECK(texts(group(root, "accuracy")) ==
        std::vector<std::string>{"accuracy", "94.3%", "83.3%", "-"});
  CHECK(texts(group(root, "colour-scale")).size() >= 3);  // a caption and tick labels
  CHECK(root.all("linearGradient").size() == 1);

  CHECK_THROWS_AS(host::confusion_matrix_svg(names, {1, 2, 3}, "wrong size"),
                  std::invalid_argument);
  CHECK_THROWS_AS(host::confusion_matrix_svg({}, {}, "nothing"), std::invalid_argument);
}
