// "Did you mean ...?" for unknown keys, tables and classes: the closest known spelling within
// two edits, so that a typo ("clas", "interface") is named together with its fix.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace topocheck {

// Levenshtein distance, capped: returns at most `cap` + 1.
size_t edit_distance(std::string_view a, std::string_view b, size_t cap);

// The candidate closest to `word` with at most two edits (and fewer edits than `word` has
// characters, so "x" does not suggest "id"); the first such candidate on a tie.
std::optional<std::string_view> closest_spelling(std::string_view word,
                                                 const std::vector<std::string_view>& candidates);

// "; did you mean 'class'?" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace topocheck
