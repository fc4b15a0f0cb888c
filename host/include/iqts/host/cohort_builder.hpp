#pragma once

#include "iqts/cohort.hpp"
#include "iqts/host/rule_pack.hpp"
#include "iqts/index.hpp"

namespace iqts::host {

// Finds the registers among every table of the index by matching header
// cells against the rule pack's field synonyms, and joins the people they
// list: trainees by id, falling back to the name; mentors by name. The
// header row may sit below title rows and notes. Where two registers give
// different values for one trainee's field, a `review` finding naming both
// places goes into Cohort::disagreements.
Cohort build_cohort(const EvidenceIndex& index, const LoadedRulePack& rules);

// Returns whether two names or school names denote the same thing after
// normalise_header: "Colegio San José" and "colegio  san josé" are the same.
bool same_name(const std::string& a, const std::string& b);

}  // namespace iqts::host
