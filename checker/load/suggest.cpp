// Suggestions for misspelt names by edit distance.
#include "checker/load/suggest.h"

#include <algorithm>
#include <string>

namespace topocheck {

size_t edit_distance(std::string_view a, std::string_view b, size_t cap) {
  size_t longer = std::max(a.size(), b.size()), shorter = std::min(a.size(), b.size());
  if (longer - shorter > cap) return cap + 1;
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return std::min(previous[b.size()], cap + 1);
}

std::optional<std::string_view> closest_spelling(std::string_view word,
                                                 const std::vector<std::string_view>& candidates) {
  constexpr size_t kMaxEdits = 2;
  std::optional<std::string_view> best;
  size_t best_distance = kMaxEdits + 1;
  for (std::string_view candidate : candidates) {
    size_t d = edit_distance(word, candidate, kMaxEdits);
    if (d < best_distance && d < word.size() && d > 0) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  auto best = closest_spelling(word, candidates);
  return best ? "; did you mean '" + std::string(*best) + "'?" : std::string{};
}

}  // namespace topocheck
