// The JSON form of one finding and one path hop (docs/report-json.md), shared by the JSON report
// and the commands that print findings as JSON (diff).
#pragma once

#include <nlohmann/json.hpp>

#include "checker/check/finding.h"

namespace topocheck {

nlohmann::ordered_json finding_to_json(const Finding& f);
nlohmann::ordered_json hop_to_json(const Hop& hop);

}  // namespace topocheck
