#include "iqts/host/timeline.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace iqts::host {
namespace {

using namespace std::chrono;

// Day limits of the inspection framework (June 2025).
constexpr int notification_days_before = 28;        // "4 weeks before the inspection event"
constexpr int evidence_days_before = 21;            // "no less than 3 weeks before the inspection"
constexpr int fee_working_days = 3;                 // fee "within 3 working days of receiving notification"
constexpr int notice_days = 2;                      // school notice and meeting "within 48 hours"
constexpr int report_working_days = 10;             // draft report, comments and final report
constexpr int action_plan_days = 20;                // "within 20 calendar days of receipt of the report"
constexpr int improvement_plan_days = 30;           // grade 4: "within 30 calendar days"
constexpr int reinspection_earliest_working_days = 25;
constexpr int reinspection_latest_months = 12;
constexpr int max_inspection_days = 10;

sys_days required_date(const std::string& text, const char* what) {
    const auto day = parse_date(text);
    if (!day) {
        throw std::invalid_argument(std::string(what) + " '" + text +
                                    "' is not a valid date; write it as YYYY-MM-DD, for example 2027-03-08");
    }
    return *day;
}

bool is_working_day(sys_days day, const std::set<std::string>& holidays) {
    const weekday day_of_week{day};
    if (day_of_week == Saturday || day_of_week == Sunday) return false;
    return holidays.count(format_date(day)) == 0;
}

// Returns the date a timestamp falls on, from its first 10 characters.
std::optional<sys_days> date_of(const std::string& timestamp) {
    if (timestamp.size() < 10) return std::nullopt;
    return parse_date(std::string_view(timestamp).substr(0, 10));
}

// Returns the day `count` months later. A day the later month lacks (31st,
// 29 February) becomes that month's last day.
sys_days add_months(sys_days from, int count) {
    const year_month_day later = year_month_day{from} + months{count};
    if (later.ok()) return sys_days{later};
    return sys_days{year_month_day_last{later.year(), month_day_last{later.month()}}};
}

TimelineEvent event(sys_days date, EventKind kind, std::string what, std::string source, bool grade_4_only = false) {
    return {format_date(date), "", kind, std::move(what), std::move(source), grade_4_only};
}

}  // namespace

std::optional<std::chrono::sys_days> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int year_number = 0;
    unsigned month_number = 0;
    unsigned day_number = 0;
    const auto read = [&](std::size_t offset, std::size_t length, auto& value) {
        const char* first = text.data() + offset;
        const auto [end, error] = std::from_chars(first, first + length, value);
        return error == std::errc() && end == first + length;
    };
    if (!read(0, 4, year_number) || !read(5, 2, month_number) || !read(8, 2, day_number)) return std::nullopt;
    const year_month_day date{year{year_number}, month{month_number}, day{day_number}};
    if (!date.ok()) return std::nullopt;
    return sys_days{date};
}

std::string format_date(std::chrono::sys_days day_point) {
    const year_month_day date{day_point};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

std::chrono::sys_days add_working_days(std::chrono::sys_days from, int count, const std::set<std::string>& holidays) {
    sys_days day_point = from;
    while (count > 0) {
        day_point += days{1};
        if (is_working_day(day_point, holidays)) --count;
    }
    return day_point;
}

Deadline compute_deadline(const std::string& inspection_date, const std::string& today, const EvidenceIndex& index) {
    const sys_days inspection = required_date(inspection_date, "inspection date");
    const sys_days now = required_date(today, "today's date");
    const sys_days due = inspection - days{evidence_days_before};

    Deadline deadline;
    deadline.inspection_date = format_date(inspection);
    deadline.due_date = format_date(due);
    deadline.days_left = static_cast<int>((due - now).count());

    for (const auto& file : index.files()) {
        if (file.status == FileStatus::skipped) continue;
        const auto modified = date_of(file.modified);
        if (!modified || *modified <= due) continue;
        const bool in_archive = file.path.find("!/") != std::string::npos;
        deadline.late_files.push_back({file.path, file.modified, in_archive ? "archive entry" : "file system"});
    }
    for (const auto& document : index.documents()) {
        const auto modified = date_of(document.modified);
        if (!modified || *modified <= due) continue;
        deadline.late_files.push_back({document.path, document.modified, "document property"});
    }
    return deadline;
}

std::string_view to_string(EventKind kind) {
    switch (kind) {
        case EventKind::on: return "on";
        case EventKind::by: return "by";
        case EventKind::window: return "window";
    }
    return "by";
}

std::vector<TimelineEvent> timeline(const std::string& inspection_date, int inspection_days,
                                    const std::set<std::string>& holidays) {
    const sys_days start = required_date(inspection_date, "inspection date");
    if (inspection_days < 1 || inspection_days > max_inspection_days) {
        throw std::invalid_argument("inspection length " + std::to_string(inspection_days) +
                                    " days is out of range; give 1 to 10 days (the framework sets 4 to 5)");
    }
    const sys_days end = add_working_days(start, inspection_days - 1, holidays);
    const sys_days notification = start - days{notification_days_before};
    const sys_days draft = add_working_days(end, report_working_days, holidays);
    const sys_days comments = add_working_days(draft, report_working_days, holidays);
    const sys_days final_report = add_working_days(comments, report_working_days, holidays);

    std::vector<TimelineEvent> events;
    events.push_back(event(notification, EventKind::on, "the inspectorate emails the notification of inspection",
                           "Notification of inspection: 4 weeks before the inspection"));
    events.push_back(event(notification + days{notice_days}, EventKind::by,
                           "the provider informs the selected school",
                           "Notification to schools: within 48 hours of receiving notification"));
    events.push_back(event(notification + days{notice_days}, EventKind::by, "pre-inspection virtual meeting",
                           "Pre-inspection discussion: arranged within 48 hours of the notification email"));
    events.push_back(event(add_working_days(notification, fee_working_days, holidays), EventKind::by,
                           "the provider pays the inspection fee",
                           "Cost of inspection: payable within 3 working days of receiving notification"));
    events.push_back(event(start - days{evidence_days_before}, EventKind::by,
                           "evidence and the compliance grid are available in the shared space",
                           "Inspection evidence: available no less than 3 weeks before the inspection"));

    TimelineEvent inspection = event(start, EventKind::window, "the inspection event",
                                     "The inspection event: 4 to 5 days, ending on the last day");
    inspection.end_date = format_date(end);
    events.push_back(inspection);

    events.push_back(event(draft, EventKind::by, "the inspectorate sends the draft report",
                           "Following the inspection event: within 10 working days of the end of the inspection"));
    events.push_back(event(comments, EventKind::by, "the provider comments on the draft report and signs it off",
                           "Following the inspection event: 10 working days after receiving the draft"));
    events.push_back(event(final_report, EventKind::by, "the inspectorate sends the final report to the provider and DfE",
                           "Publication of inspection report: within 10 working days once quality assurance and "
                           "any challenge are complete, counted here from the comment deadline"));
    events.push_back(event(final_report + days{action_plan_days}, EventKind::by, "the provider sends its action plan to DfE",
                           "Publication of inspection report and the provider action plan: within 20 calendar days "
                           "of receiving the report"));
    events.push_back(event(final_report + days{improvement_plan_days}, EventKind::by,
                           "the provider produces its improvement action plan",
                           "Actions following a grade 4: within 30 calendar days of receiving the final report",
                           true));

    TimelineEvent reinspection =
        event(add_working_days(end, reinspection_earliest_working_days, holidays), EventKind::window,
              "the reinspection", "Models of reinspection: between 25 working days and 12 months after the original "
              "inspection, counted here from its last day", true);
    reinspection.end_date = format_date(add_months(end, reinspection_latest_months));
    events.push_back(reinspection);

    std::stable_sort(events.begin(), events.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.date < b.date; });
    return events;
}

std::set<std::string> read_holidays(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error(path + ": the holiday file could not be opened: " + std::strerror(errno));
    }

    std::set<std::string> holidays;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos) continue;
        const std::string text = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
        const auto day = parse_date(text);
        if (!day) {
            throw std::runtime_error(path + ":" + std::to_string(number) + ": '" + text +
                                     "' is not a date; write one date per line as YYYY-MM-DD, for example 2027-04-02, "
                                     "and put any comment after a '#', for example 2027-04-02 # Good Friday");
        }
        holidays.insert(format_date(*day));
    }
    return holidays;
}

std::string weekend_warning(const std::string& inspection_date) {
    const auto day = parse_date(inspection_date);
    if (!day) return "";
    const weekday day_of_week{*day};
    if (day_of_week != Saturday && day_of_week != Sunday) return "";
    return "--inspection-date " + inspection_date + " is a " + (day_of_week == Saturday ? "Saturday" : "Sunday") +
           ", but an inspection starts on a working day; check the date in the notification of inspection";
}

}  // namespace iqts::host
