#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "iqts/host/evidence_index.hpp"
#include "iqts/host/timeline.hpp"

namespace {

using iqts::host::EventKind;
using iqts::host::TimelineEvent;

// 3 May 2027 is the early May bank holiday in England, inside the
// draft-report window of an inspection from Monday 26 April 2027.
const std::set<std::string> may_bank_holiday = {"2027-05-03"};

const TimelineEvent* find_event(const std::vector<TimelineEvent>& events, const std::string& words) {
    for (const auto& event : events) {
        if (event.what.find(words) != std::string::npos) return &event;
    }
    return nullptr;
}

struct ExpectedEvent {
    std::string words;      // part of `what`
    std::string date;
    std::string end_date;
    EventKind kind;
    bool grade_4_only;
};

TEST(Timeline, InspectionWithBankHoliday) {
    const auto events = iqts::host::timeline("2027-04-26", 5, may_bank_holiday);
    const std::vector<ExpectedEvent> expected = {
        {"notification of inspection", "2027-03-29", "", EventKind::on, false},
        {"informs the selected school", "2027-03-31", "", EventKind::by, false},
        {"pre-inspection virtual meeting", "2027-03-31", "", EventKind::by, false},
        {"inspection fee", "2027-04-01", "", EventKind::by, false},
        {"evidence and the compliance grid", "2027-04-05", "", EventKind::by, false},
        {"inspection event", "2027-04-26", "2027-04-30", EventKind::window, false},
        {"sends the draft report", "2027-05-17", "", EventKind::by, false},
        {"comments on the draft", "2027-05-31", "", EventKind::by, false},
        {"final report", "2027-06-14", "", EventKind::by, false},
        {"action plan to DfE", "2027-07-04", "", EventKind::by, false},
        {"improvement action plan", "2027-07-14", "", EventKind::by, true},
        {"reinspection", "2027-06-07", "2028-04-30", EventKind::window, true},
    };
    ASSERT_EQ(events.size(), expected.size());
    for (const auto& want : expected) {
        SCOPED_TRACE(want.words);
        const TimelineEvent* event = find_event(events, want.words);
        ASSERT_NE(event, nullptr);
        EXPECT_EQ(event->date, want.date);
        EXPECT_EQ(event->end_date, want.end_date);
        EXPECT_EQ(event->kind, want.kind);
        EXPECT_EQ(event->grade_4_only, want.grade_4_only);
        EXPECT_FALSE(event->source.empty());
    }
}

TEST(Timeline, DraftReportWithoutHoliday) {
    const auto events = iqts::host::timeline("2027-04-26", 5, {});
    const TimelineEvent* draft = find_event(events, "sends the draft report");
    ASSERT_NE(draft, nullptr);
    EXPECT_EQ(draft->date, "2027-05-14");
}

TEST(Timeline, EventsInDateOrder) {
    const auto events = iqts::host::timeline("2027-04-26", 5, may_bank_holiday);
    for (std::size_t i = 1; i < events.size(); ++i) {
        EXPECT_LE(events[i - 1].date, events[i].date) << events[i].what;
    }
}

TEST(Timeline, FourDaysOverWeekend) {
    // Thursday start: Thursday, Friday, Monday, Tuesday.
    const auto events = iqts::host::timeline("2027-03-04", 4, {});
    const TimelineEvent* inspection = find_event(events, "inspection event");
    ASSERT_NE(inspection, nullptr);
    EXPECT_EQ(inspection->end_date, "2027-03-09");
}

TEST(Timeline, TwelveMonthsFromLeapDay) {
    // A five-day inspection from Wednesday 23 February 2028 ends on the 29th.
    const auto events = iqts::host::timeline("2028-02-23", 5, {});
    const TimelineEvent* reinspection = find_event(events, "reinspection");
    ASSERT_NE(reinspection, nullptr);
    EXPECT_EQ(reinspection->end_date, "2029-02-28");
}

TEST(Timeline, InvalidInput) {
    EXPECT_THROW(iqts::host::timeline("2027-02-30", 5, {}), std::invalid_argument);
    EXPECT_THROW(iqts::host::timeline("08/03/2027", 5, {}), std::invalid_argument);
    EXPECT_THROW(iqts::host::timeline("2027-03-08", 0, {}), std::invalid_argument);
}

TEST(WorkingDays, SkipWeekendsAndHolidays) {
    struct Case {
        std::string from;
        int count;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"2027-03-05", 0, "2027-03-05"},    // Friday, no days added
        {"2027-03-05", 1, "2027-03-08"},    // Friday to Monday
        {"2027-03-06", 1, "2027-03-08"},    // Saturday to Monday
        {"2027-04-30", 1, "2027-05-04"},    // Friday, bank holiday Monday skipped
        {"2027-03-01", 10, "2027-03-15"},   // two whole weeks
    };
    for (const auto& c : cases) {
        const auto from = iqts::host::parse_date(c.from);
        ASSERT_TRUE(from.has_value()) << c.from;
        EXPECT_EQ(iqts::host::format_date(iqts::host::add_working_days(*from, c.count, may_bank_holiday)), c.expected)
            << c.from << " + " << c.count;
    }
}

TEST(ParseDate, Forms) {
    EXPECT_TRUE(iqts::host::parse_date("2028-02-29").has_value());
    EXPECT_FALSE(iqts::host::parse_date("2027-02-29").has_value());
    EXPECT_FALSE(iqts::host::parse_date("2027-3-8").has_value());
    EXPECT_FALSE(iqts::host::parse_date("2027-03-08T09:00:00Z").has_value());
    EXPECT_FALSE(iqts::host::parse_date("").has_value());
}

iqts::host::BuiltIndex export_with_times() {
    iqts::host::BuiltIndex index;
    index.add_file({"export/on-time.docx", "docx", iqts::FileStatus::read, "", 1, "2027-02-15T23:59:59Z"});
    index.add_file({"export/late.docx", "docx", iqts::FileStatus::read, "", 1, "2027-02-16T08:00:00Z"});
    index.add_file({"export.zip!/logs/late.xlsx", "xlsx", iqts::FileStatus::read, "", 1, "2027-03-01T12:00:00Z"});
    index.add_file({"export/Thumbs.db", "unknown", iqts::FileStatus::skipped, "", 1, "2027-03-01T12:00:00Z"});
    index.add_file({"export/no-time.pdf", "pdf", iqts::FileStatus::read, "", 1, ""});
    iqts::Document edited;
    edited.path = "export/on-time.docx";
    edited.modified = "2027-02-20T10:00:00Z";
    index.add_document(std::move(edited));
    index.finish();
    return index;
}

TEST(Deadline, DaysLeft) {
    const iqts::host::BuiltIndex index;
    const auto on_time = iqts::host::compute_deadline("2027-03-08", "2027-02-10", index);
    EXPECT_EQ(on_time.inspection_date, "2027-03-08");
    EXPECT_EQ(on_time.due_date, "2027-02-15");
    EXPECT_EQ(on_time.days_left, 5);
    const auto late = iqts::host::compute_deadline("2027-03-08", "2027-02-20", index);
    EXPECT_EQ(late.days_left, -5);
}

TEST(Deadline, LateFiles) {
    const auto index = export_with_times();
    const auto deadline = iqts::host::compute_deadline("2027-03-08", "2027-02-10", index);
    struct Expected {
        std::string path;
        std::string source;
    };
    const std::vector<Expected> expected = {
        {"export.zip!/logs/late.xlsx", "archive entry"},
        {"export/late.docx", "file system"},
        {"export/on-time.docx", "document property"},
    };
    ASSERT_EQ(deadline.late_files.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(deadline.late_files[i].path, expected[i].path);
        EXPECT_EQ(deadline.late_files[i].source, expected[i].source);
    }
    EXPECT_EQ(deadline.late_files[2].modified, "2027-02-20T10:00:00Z");
}

TEST(Deadline, InvalidDate) {
    const iqts::host::BuiltIndex index;
    EXPECT_THROW(iqts::host::compute_deadline("March 2027", "2027-02-10", index), std::invalid_argument);
}

std::string write_holiday_file(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::path(testing::TempDir()) / name;
    std::ofstream(path) << text;
    return path.string();
}

TEST(Holidays, ReadWithComments) {
    const auto path = write_holiday_file("holidays-good.txt",
                                         "# England and Wales 2027\n2027-05-03  # early May\n\n2027-05-31\r\n");
    const std::set<std::string> expected = {"2027-05-03", "2027-05-31"};
    EXPECT_EQ(iqts::host::read_holidays(path), expected);
}

TEST(Holidays, BadLineNamesFileAndLine) {
    const auto path = write_holiday_file("holidays-bad.txt", "2027-05-03\n# summer\n31/05/2027\n");
    try {
        iqts::host::read_holidays(path);
        FAIL() << "no exception for a bad line";
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(path + ":3:"), std::string::npos) << message;
        EXPECT_NE(message.find("31/05/2027"), std::string::npos) << message;
        EXPECT_NE(message.find("YYYY-MM-DD"), std::string::npos) << message;
    }
}

TEST(Holidays, CommentWithoutHashHinted) {
    const auto path = write_holiday_file("holidays-no-hash.txt", "2027-05-03 early May\n");
    try {
        iqts::host::read_holidays(path);
        FAIL() << "no exception for a comment without '#'";
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("after a '#'"), std::string::npos) << message;
    }
}

TEST(Holidays, TrailingCommentAccepted) {
    const auto path = write_holiday_file("holidays-trailing.txt", "2026-12-25 # Christmas\n");
    const std::set<std::string> expected = {"2026-12-25"};
    EXPECT_EQ(iqts::host::read_holidays(path), expected);
}

TEST(Holidays, MissingFile) {
    EXPECT_THROW(iqts::host::read_holidays(testing::TempDir() + "/no-such-holidays.txt"), std::runtime_error);
}

}  // namespace
