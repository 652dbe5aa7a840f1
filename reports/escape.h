// Escaping of untrusted strings (estate data, policy messages) for the markup and table formats:
// XML and HTML, Markdown, CSV. Every writer that embeds a string passes it through one of these,
// so a CI named `<script>` or a message with `]]>`, `|` or an escape character is shown as text
// and cannot change the document's structure.
#pragma once

#include <string>
#include <string_view>

namespace topocheck {

// The bytes as valid UTF-8: each byte that does not start a well-formed sequence becomes U+FFFD.
std::string valid_utf8(std::string_view s);

// Text content for XML and HTML: & < > " ' as entities; control characters other than newline
// and tab (which XML 1.0 forbids even as references) as the visible text "\xNN"; invalid UTF-8
// replaced.
std::string markup_text(std::string_view s);

// An attribute value for XML and HTML: as markup_text, and newline, tab and carriage return as
// character references so that attribute normalisation keeps them.
std::string markup_attr(std::string_view s);

// Inline Markdown (GitHub flavour) that renders as the literal text: control characters as "\xNN"
// (so a string never spans lines), punctuation that could start markup (emphasis, links, HTML,
// tables, math) backslash-escaped, and a word joiner (U+2060) after '#' and '@' so that GitHub
// neither links issues nor notifies users.
std::string markdown_text(std::string_view s);

// One CSV field (RFC 4180): quoted when it holds a comma, quote, or line break, quotes doubled.
// Control characters other than newline become "\xNN". A text that a spreadsheet would run as
// a formula (starting with = + - @ or tab) is prefixed with an apostrophe; `is_text` false
// leaves numbers such as "-3" alone.
std::string csv_field(std::string_view s, bool is_text = true);

// A path as a URI reference (RFC 3986): relative paths stay relative, absolute ones become
// file:// URIs; bytes outside the unreserved set and "/" are percent-encoded.
std::string path_to_uri(std::string_view path);

}  // namespace topocheck
