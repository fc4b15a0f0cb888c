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

// The files of an export, counted the same way by every report and by the
// closing summary line. An archive that was opened counts under `archives`,
// and one that could not be opened counts under `unreadable`.
struct FileCounts {
    int read = 0;         // documents read, archives excluded
    int archives = 0;     // zip, tar, 7z and compressed streams that were opened
    int unreadable = 0;
    int review = 0;       // files left unread by a limit, for a person to open
    int skipped = 0;      // hidden, system and link entries, never counted in `total`

    // Returns every file the scan opened or tried to open.
    int total() const { return read + archives + unreadable + review; }
};

FileCounts count_export_files(const Report& report);

// Returns "27 files (24 read, 2 archives, 1 unreadable)", naming only the
// parts that are not zero.
std::string describe_file_counts(const FileCounts& counts);

// Returns `text` with every byte sequence that is not valid UTF-8 replaced by
// U+FFFD, so that a file name in a legacy encoding cannot corrupt a report.
std::string to_valid_utf8(std::string_view text);

// Returns to_valid_utf8(text) with each character that XML 1.0 forbids (C0
// controls other than tab, line feed and carriage return, and U+FFFE and
// U+FFFF) replaced by U+FFFD, for the XML and HTML reports.
std::string to_xml_text(std::string_view text);

}  // namespace iqts::host::report_detail
