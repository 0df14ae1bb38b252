// mini_xml.h — a small, strict XML reader for the tests of the SVG pictures: it accepts a
// well-formed document (XML declaration, comments, one root element, attributes in single
// or double quotes, the five predefined entities and numeric character references) and
// throws mini_xml::ParseError, naming the offset, on anything else: an unclosed or
// mismatched tag, a duplicate attribute, a bare '&' or '<', text after the root.
// Header-only (a .h, so the tests/host/*.cpp glob does not compile it on its own).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mini_xml {

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;  // values with references resolved
  std::vector<Element> children;
  std::string text;  // the element's own character data, references resolved

  std::string attribute(const std::string& key) const {
    auto it = attributes.find(key);
    return it == attributes.end() ? std::string() : it->second;
  }
  // Every descendant (and this element itself) called `element_name`, in document order.
  std::vector<const Element*> all(const std::string& element_name) const {
    std::vector<const Element*> out;
    collect(element_name, out);
    return out;
  }
  // The first descendant whose id attribute is `id`, or nullptr.
  const Element* by_id(const std::string& id) const {
    if (attribute("id") == id) return this;
    for (const Element& child : children) {
      if (const Element* found = child.by_id(id)) return found;
    }
    return nullptr;
  }

 private:
  void collect(const std::string& element_name, std::vector<const Element*>& out) const {
    if (name == element_name) out.push_back(this);
    for (const Element& child : children) child.collect(element_name, out);
  }
};

namespace detail {

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  Element document() {
    if (starts_with("<?xml")) skip_past("?>");
    skip_misc();
    if (!starts_with("<")) fail("expected the root element");
    Element root = element();
    skip_misc();
    if (pos_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError("XML error at offset " + std::to_string(pos_) + ": " + what);
  }
  bool starts_with(const char* prefix) const {
    return s_.compare(pos_, std::char_traits<char>::length(prefix), prefix) == 0;
  }
  void skip_past(const char* end) {
    size_t at = s_.find(end, pos_);
    if (at == std::string::npos) fail(std::string("missing '") + end + "'");
    pos_ = at + std::char_traits<char>::length(end);
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' ||
                                s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void skip_misc() {  // whitespace and comments between top-level items
    for (;;) {
      skip_space();
      if (!starts_with("<!--")) return;
      skip_past("-->");
    }
  }
  static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == ':' || c == '.';
  }
  std::string name() {
    size_t begin = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    if (pos_ == begin || (s_[begin] >= '0' && s_[begin] <= '9') || s_[begin] == '-') {
      fail("expected a name");
    }
    return s_.substr(begin, pos_ - begin);
  }
  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // At '&': one reference, appended resolved.
  void reference(std::string& out) {
    size_t semicolon = s_.find(';', pos_);
    if (semicolon == std::string::npos || semicolon - pos_ > 10) fail("bare '&'");
    const std::string ref = s_.substr(pos_ + 1, semicolon - pos_ - 1);
    static const std::map<std::string, char> named = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    if (named.count(ref)) {
      out += named.at(ref);
    } else if (ref.size() > 1 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string digits = ref.substr(hex ? 2 : 1);
      if (digits.empty() ||
          digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") !=
              std::string::npos) {
        fail("bad character reference '&" + ref + ";'");
      }
      const unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
      if (cp == 0 || cp > 0x10FFFF) fail("bad character reference '&" + ref + ";'");
      append_utf8(out, static_cast<uint32_t>(cp));
    } else {
      fail("unknown entity '&" + ref + ";'");
    }
    pos_ = semicolon + 1;
  }
  // Characters XML 1.0 forbids: controls other than tab, newline, carriage return.
  void check_char(char c) const {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("control character in text");
  }
  std::string attribute_value() {
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("expected a quote");
    const char quote = s_[pos_++];
    std::string value;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      if (s_[pos_] == '<') fail("'<' in an attribute value");
      if (s_[pos_] == '&') {
        reference(value);
      } else {
        check_char(s_[pos_]);
        value += s_[pos_++];
      }
    }
    if (pos_ >= s_.size()) fail("unterminated attribute value");
    ++pos_;
    return value;
  }
  Element element() {
    ++pos_;  // '<'
    Element e;
    e.name = name();
    for (;;) {
      const size_t before = pos_;
      skip_space();
      if (starts_with("/>")) {
        pos_ += 2;
        return e;
      }
      if (starts_with(">")) {
        ++pos_;
        break;
      }
      if (pos_ == before) fail("expected whitespace before an attribute");
      std::string key = name();
      skip_space();
      if (!starts_with("=")) fail("expected '=' after attribute '" + key + "'");
      ++pos_;
      skip_space();
      if (e.attributes.count(key)) fail("duplicate attribute '" + key + "'");
      e.attributes[key] = attribute_value();
    }
    for (;;) {  // content
      if (pos_ >= s_.size()) fail("unclosed element <" + e.name + ">");
      if (starts_with("</")) {
        pos_ += 2;
        if (name() != e.name) fail("mismatched end tag for <" + e.name + ">");
        skip_space();
        if (!starts_with(">")) fail("expected '>'");
        ++pos_;
        return e;
      }
      if (starts_with("<!--")) {
        skip_past("-->");
      } else if (starts_with("<")) {
        e.children.push_back(element());
      } else if (s_[pos_] == '&') {
        reference(e.text);
      } else {
        if (s_[pos_] == '>' && pos_ >= 2 && s_.compare(pos_ - 2, 2, "]]") == 0) {
          fail("']]>' in text");
        }
        check_char(s_[pos_]);
        e.text += s_[pos_++];
      }
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace detail

// The root element of `document`. Throws ParseError.
inline Element parse(const std::string& document) { return detail::Parser(document).document(); }

}  // namespace mini_xml
