#include "reports/escape.h"

#include <fmt/format.h>

namespace topocheck {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF), or 0 when the byte starts none.
size_t sequence_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

std::string control_escape(unsigned char c) { return fmt::format("\\x{:02x}", c); }

std::string markup(std::string_view s, bool attribute) {
  const std::string text = valid_utf8(s);
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&#39;"; continue;
      case '\n': out += attribute ? "&#10;" : "\n"; continue;
      case '\t': out += attribute ? "&#9;" : "\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += control_escape(c);
    } else if (c == 0xEF && i + 2 < text.size() && text[i + 1] == '\xBF' &&
               (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      out += kReplacement;  // U+FFFE and U+FFFF are not XML characters
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = sequence_length(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string markup_text(std::string_view s) { return markup(s, false); }

std::string markup_attr(std::string_view s) { return markup(s, true); }

std::string markdown_text(std::string_view s) {
  static constexpr std::string_view kSpecial = "\\`*_{}[]<>()!|~&$";
  const std::string text = valid_utf8(s);
  std::string out;
  out.reserve(text.size() + 16);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += control_escape(c);
    } else {
      if (kSpecial.find(ch) != std::string_view::npos) out.push_back('\\');
      out.push_back(ch);
      // GitHub links "#12" to an issue and notifies "@name" after rendering, whatever the
      // escaping; an invisible word joiner (U+2060) after the sign prevents both.
      if (ch == '#' || ch == '@') out += "\xE2\x81\xA0";
    }
  }
  return out;
}

std::string csv_field(std::string_view s, bool is_text) {
  const std::string text = valid_utf8(s);
  std::string value;
  value.reserve(text.size() + 2);
  if (is_text && !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos) {
    value.push_back('\'');
  }
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n') || c == 0x7f) {
      value += control_escape(c);
    } else {
      value.push_back(ch);
    }
  }
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (const char ch : value) {
    if (ch == '"') quoted.push_back('"');
    quoted.push_back(ch);
  }
  quoted.push_back('"');
  return quoted;
}

std::string path_to_uri(std::string_view path) {
  std::string out;
  if (!path.empty() && path.front() == '/') out = "file://";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || ch == '-' || ch == '.' || ch == '_' ||
                            ch == '~' || ch == '/';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace topocheck
