#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/host/report.hpp"
#include "iqts/index.hpp"

namespace iqts::host {

// Parses a date written exactly as YYYY-MM-DD. Returns nothing when the text
// has another form or names no real day (2027-02-30).
std::optional<std::chrono::sys_days> parse_date(std::string_view text);

// Formats a day as YYYY-MM-DD.
std::string format_date(std::chrono::sys_days day);

// Returns the day `count` working days after `from` (count >= 0). A working
// day is a Monday to Friday that is not in `holidays` (YYYY-MM-DD strings);
// `from` itself is not counted.
std::chrono::sys_days add_working_days(std::chrono::sys_days from, int count, const std::set<std::string>& holidays);

// Computes when the evidence is due: 21 calendar days before the inspection,
// as the inspection framework requires evidence no less than 3 weeks ahead.
// `days_left` runs from `today` to the due date. A late file is one whose
// file-system time, archive-entry time or document "modified" property
// falls on a day after the due date, compared as UTC dates. Skipped files
// are left out. Throws std::invalid_argument when either date is not
// YYYY-MM-DD.
Deadline compute_deadline(const std::string& inspection_date, const std::string& today, const EvidenceIndex& index);

// How an event's dates read: a fixed day, a deadline, or a window.
enum class EventKind { on, by, window };

std::string_view to_string(EventKind kind);

struct TimelineEvent {
    std::string date;            // YYYY-MM-DD: the day, the deadline, or the window's first day
    std::string end_date;        // YYYY-MM-DD: the window's last day; empty for other kinds
    EventKind kind = EventKind::by;
    std::string what;
    std::string source;          // the framework section and rule, paraphrased
    bool grade_4_only = false;   // applies only after a grade 4
};

// Lists every date that follows from the inspection's first day, in the
// order they occur: the notification, fee, school notice, pre-inspection
// meeting, evidence, the inspection itself (its last day is the
// `inspection_days`-th working day), the draft report, the provider's
// comments, the final report, the action plan and, for grade 4, the
// improvement plan and the reinspection window. Working days skip weekends
// and `holidays`. Throws std::invalid_argument for a date that is not
// YYYY-MM-DD or a length outside 1 to 10 days.
std::vector<TimelineEvent> timeline(const std::string& inspection_date, int inspection_days = 5,
                                    const std::set<std::string>& holidays = {});

// Reads a holiday file: one YYYY-MM-DD per line; blank lines and text after
// '#' are ignored. Throws std::runtime_error naming the file and line of the
// first bad line, or when the file cannot be opened.
std::set<std::string> read_holidays(const std::string& path);

// Returns a warning when `inspection_date` (YYYY-MM-DD) falls on a Saturday
// or Sunday, and an empty string otherwise or when it is not a date.
std::string weekend_warning(const std::string& inspection_date);

}  // namespace iqts::host
