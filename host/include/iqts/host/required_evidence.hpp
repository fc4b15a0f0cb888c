#pragma once

#include <vector>

#include "iqts/host/report.hpp"
#include "iqts/host/rule_pack.hpp"
#include "iqts/index.hpp"

namespace iqts::host {

// Reports each item of the rule pack's `required_evidence` table as present
// (`pass`, with the paths that match), `review` (only files that cannot be
// read match) or `missing`.
std::vector<EvidenceItem> find_required_evidence(const EvidenceIndex& index, const RulePack& rules);

}  // namespace iqts::host
