#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "iqts/host/report.hpp"

namespace iqts::host {

// An accepted exception to a criterion: its non-pass findings (those about
// `subject` only, when given) are reported as waived until `expires`.
struct Waiver {
    std::string criterion;
    std::string subject;         // empty: every finding of the criterion
    std::string justification;
    std::string expires;         // YYYY-MM-DD, the last day the waiver applies
    std::string approved_by;
    std::string position;        // FILE:LINE:COLUMN of the entry
};

// A waiver file that could not be loaded: every error, each as
// "FILE:LINE:COLUMN: error: what; write instead ...", one a line in what().
class WaiverError : public std::runtime_error {
public:
    explicit WaiverError(const std::vector<std::string>& errors);

    const std::vector<std::string>& errors() const { return errors_; }

private:
    std::vector<std::string> errors_;
};

// Reads a YAML waiver file: a list of {criterion, subject, justification,
// expires, approved_by}, subject optional. Criterion ids are checked against
// `known_criteria`. Throws WaiverError listing every error.
std::vector<Waiver> load_waivers(const std::string& path, const std::vector<std::string>& known_criteria);

// Marks the non-pass findings matched by a waiver in force on
// `reference_date` (YYYY-MM-DD) as waived, adds a review finding for each
// expired waiver and recomputes each criterion's status.
void apply_waivers(std::vector<CriterionResult>& results, const std::vector<Waiver>& waivers,
                   const std::string& reference_date);

}  // namespace iqts::host
