#pragma once

// Counts and string repairs that the report writers share.

#include <array>
#include <string>
#include <string_view>

#include "iqts/host/report.hpp"

namespace iqts::host::report_detail {

// Every status in the order the reports list them.
inline constexpr std::array<Status, 6> kStatusOrder = {
    Status::pass, Status::fail, Status::missing, Status::review, Status::error, Status::waived};

struct StatusCounts {
    std::array<int, 6> by_status{};   // indexed by the enum value of Status

    int operator[](Status status) const { return by_status[static_cast<std::size_t>(status)]; }
};

// Counts the criteria per status.
StatusCounts count_criteria(const Report& report);

// Returns the worst criterion status, or pass when the report has no criteria.
Status overall_status(const Report& report);

// Returns how many files of the export have `status`.
int count_files(const Report& report, FileStatus status);

// Returns `text` with every byte sequence that is not valid UTF-8 replaced by
// U+FFFD, so that a file name in a legacy encoding cannot corrupt a report.
std::string to_valid_utf8(std::string_view text);

}  // namespace iqts::host::report_detail
