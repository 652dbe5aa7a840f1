// Conversions from TOML values (the document tree, doc.h) to model values that do not depend on
// the estate: the type names used in "expected a string, got an integer", and TOML dates and
// date-times as the model's Date and Timestamp.
#pragma once

#include "checker/load/doc.h"

#include <optional>
#include <string_view>

#include "checker/model/time.h"

namespace topocheck {

// "a string", "an integer", "a date-time" ...
std::string_view toml_type_name(const doc::Node& node);

// A TOML date (date_only) or date-time; a local date-time is read as UTC. Nothing for other types.
std::optional<Timestamp> toml_timestamp(const doc::Node& node);
// A TOML date, or the date part (as written) of a date-time. Nothing for other types.
std::optional<Date> toml_date(const doc::Node& node);

}  // namespace topocheck
