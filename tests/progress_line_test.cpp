// The terminal progress line and the closing summary line of a scan.

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include "iqts/host/progress_line.hpp"
#include "test_support.hpp"

namespace iqts::host {
namespace {

using namespace std::chrono_literals;
using iqts::test::run_command;
using iqts::test::shell_quote;

constexpr std::uint64_t mib = 1048576;

ScanProgress progress_of(std::size_t done, std::size_t found, bool finished, std::uint64_t bytes_done,
                         std::uint64_t bytes_found, std::string current = "") {
    ScanProgress progress;
    progress.files_done = done;
    progress.files_found = found;
    progress.walk_finished = finished;
    progress.bytes_done = bytes_done;
    progress.bytes_found = bytes_found;
    progress.current = std::move(current);
    return progress;
}

std::size_t code_points(const std::string& text) {
    std::size_t count = 0;
    for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return count;
}

bool names_a_document(const std::string& text) {
    for (const char* extension : {".pdf", ".docx", ".xlsx", ".zip"}) {
        if (text.find(extension) != std::string::npos) return true;
    }
    return false;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

TEST(ProgressLineRender, FinishedWalkShowsTotalsAndRemaining) {
    const auto progress = progress_of(2, 10, true, 1 * mib, 4 * mib, "Part 1/a.docx");
    EXPECT_EQ(render_progress_line(progress, 10s, 100, true),
              "2/10 files  1.0/4.0 MiB  0:10  ~0:30 left  Part 1/a.docx");
}

TEST(ProgressLineRender, GrowingTotalMarkedWithPlus) {
    const auto progress = progress_of(2, 10, false, 1 * mib, 4 * mib);
    EXPECT_EQ(render_progress_line(progress, 10s, 100, true), "2/10+ files  1.0/4.0+ MiB  0:10");
}

TEST(ProgressLineRender, CountsGroupedByThousands) {
    const auto progress = progress_of(1234, 1234567, false, 0, 0);
    EXPECT_EQ(render_progress_line(progress, 0s, 100, true), "1,234/1,234,567+ files  0.0/0.0+ MiB  0:00");
}

TEST(ProgressLineRender, LongElapsedShowsHours) {
    const auto progress = progress_of(1, 2, false, 0, 0);
    EXPECT_EQ(render_progress_line(progress, 3725s, 100, true), "1/2+ files  0.0/0.0+ MiB  1:02:05");
}

TEST(ProgressLineRender, LongPathShortenedFromLeft) {
    const std::string path = "Part 2 – Training/Trainee evidence/T0001 Aisha Al Mansoori/Lesson observation 1.docx";
    const auto line = render_progress_line(progress_of(2, 10, false, 0, 0, path), 1s, 70, true);
    EXPECT_EQ(code_points(line), 69u);
    EXPECT_EQ(line.rfind("2/10+ files  0.0/0.0+ MiB  0:01  \xE2\x80\xA6", 0), 0u);
    EXPECT_TRUE(line.ends_with("/Lesson observation 1.docx"));
}

TEST(ProgressLineRender, PathCutKeepsWholeCharacters) {
    // "–" (U+2013) is three bytes; the cut falls in the run of dashes.
    const std::string path = "ab––––––––––––––––––––––––––––––––––––––––.pdf";
    const auto line = render_progress_line(progress_of(1, 1, false, 0, 0, path), 1s, 50, true);
    EXPECT_EQ(line, "1/1+ files  0.0/0.0+ MiB  0:01  \xE2\x80\xA6––––––––––––.pdf");
}

TEST(ProgressLineRender, NarrowTerminalDropsPath) {
    const auto line = render_progress_line(progress_of(2, 10, false, 0, 0, "Part 1/a.docx"), 1s, 20, true);
    EXPECT_EQ(line, "2/10+ files  0.0/0.");
}

TEST(ProgressLineRender, NoRoomForUsefulPathDropsIt) {
    const auto line = render_progress_line(progress_of(2, 10, false, 0, 0, "Part 1/a.docx"), 1s, 38, true);
    EXPECT_EQ(line, "2/10+ files  0.0/0.0+ MiB  0:01");
}

TEST(ProgressLineRender, WidthOneGivesEmptyLine) {
    EXPECT_EQ(render_progress_line(progress_of(2, 10, false, 0, 0), 1s, 1, true), "");
}

TEST(ProgressLineRender, HiddenCurrentFileLeftOut) {
    const auto line = render_progress_line(progress_of(2, 10, false, 0, 0, "Part 1/Aisha.docx"), 1s, 100, false);
    EXPECT_EQ(line, "2/10+ files  0.0/0.0+ MiB  0:01");
}

TEST(ProgressLineRender, ControlCharactersInPathReplaced) {
    const auto line = render_progress_line(progress_of(1, 1, false, 0, 0, "a\x1b[2Jb\nc\xC2\x9B" "d"), 1s, 100, true);
    EXPECT_EQ(line, "1/1+ files  0.0/0.0+ MiB  0:01  a?[2Jb?c?d");
}

TEST(ProgressLineRender, InvalidUtf8InPathReplaced) {
    const auto line = render_progress_line(progress_of(1, 1, false, 0, 0, "a\xFF" "b.pdf"), 1s, 100, true);
    EXPECT_EQ(line, "1/1+ files  0.0/0.0+ MiB  0:01  a\xEF\xBF\xBD" "b.pdf");
}

TEST(EstimateRemaining, WalkStillRunningGivesNone) {
    EXPECT_FALSE(estimate_remaining(progress_of(5, 10, false, 5, 10), 10s).has_value());
}

TEST(EstimateRemaining, NothingDoneGivesNone) {
    EXPECT_FALSE(estimate_remaining(progress_of(0, 10, true, 0, 10), 10s).has_value());
}

TEST(EstimateRemaining, ZeroElapsedGivesNone) {
    EXPECT_FALSE(estimate_remaining(progress_of(5, 10, true, 5, 10), 0s).has_value());
}

TEST(EstimateRemaining, BytesRateGivesEstimate) {
    // A quarter of the bytes in 10 s leaves three quarters: 30 s.
    EXPECT_EQ(estimate_remaining(progress_of(9, 10, true, 1 * mib, 4 * mib), 10s), 30s);
}

TEST(EstimateRemaining, FileRateWhenNoBytesDone) {
    EXPECT_EQ(estimate_remaining(progress_of(2, 10, true, 0, 0), 4s), 16s);
}

TEST(EstimateRemaining, PartialSecondsRoundUp) {
    EXPECT_EQ(estimate_remaining(progress_of(3, 4, true, 3, 4), 1s), 1s);
}

TEST(EstimateRemaining, AllDoneGivesZero) {
    EXPECT_EQ(estimate_remaining(progress_of(10, 10, true, 4, 4), 10s), 0s);
}

// Adds `count` file records of `kind` with `status` to `report`.
void add_files(Report& report, int count, const std::string& kind, FileStatus status) {
    for (int i = 0; i < count; ++i) report.files.push_back({"file " + std::to_string(i), kind, status, "", 0, ""});
}

TEST(SummaryLine, CountsFilesBytesAndCriteria) {
    Report report;
    add_files(report, 2813, "docx", FileStatus::read);
    for (const auto status : {Status::pass, Status::pass, Status::fail, Status::missing, Status::review}) {
        CriterionResult result;
        result.status = status;
        report.criteria.push_back(result);
    }
    const auto progress = progress_of(2813, 2813, true, 291 * mib, 291 * mib);
    EXPECT_EQ(render_summary_line(report, progress, 12400ms),
              "iqts-scan: 2813 files (2813 read), 291.0 MiB, in 12.4 s; criteria: 2 pass, 1 review, 1 missing, 1 fail");
}

TEST(SummaryLine, OneFileSingular) {
    Report report;
    add_files(report, 1, "pdf", FileStatus::read);
    const auto progress = progress_of(1, 1, true, 0, 0);
    EXPECT_EQ(render_summary_line(report, progress, 0ms), "iqts-scan: 1 file (1 read), 0.0 MiB, in 0.0 s");
}

TEST(SummaryLine, ArchivesCountedApart) {
    Report report;
    add_files(report, 24, "docx", FileStatus::read);
    add_files(report, 2, "zip", FileStatus::read);
    add_files(report, 1, "pdf", FileStatus::unreadable);
    add_files(report, 3, "unknown", FileStatus::skipped);
    const auto progress = progress_of(25, 25, true, 0, 0);
    EXPECT_EQ(render_summary_line(report, progress, 0ms),
              "iqts-scan: 27 files (24 read, 2 archives, 1 unreadable), 0.0 MiB, in 0.0 s");
}

// A clock the test moves by hand.
struct ManualClock {
    ProgressLine::Clock::time_point now{};
};

ProgressLine::Options terminal_options(ManualClock& clock) {
    ProgressLine::Options options;
    options.terminal = true;
    options.width = [] { return std::size_t{80}; };
    options.now = [&clock] { return clock.now; };
    return options;
}

TEST(ProgressLineDraw, RedrawsAtMostEveryInterval) {
    ManualClock clock;
    std::ostringstream out;
    ProgressLine line(out, terminal_options(clock));
    line.update(progress_of(1, 3, false, 0, 0));
    clock.now += 50ms;
    line.update(progress_of(2, 3, false, 0, 0));
    clock.now += 60ms;
    line.update(progress_of(3, 3, true, 0, 0));
    EXPECT_EQ(occurrences(out.str(), "\r"), 2u);
    EXPECT_EQ(occurrences(out.str(), "2/3"), 0u);
    EXPECT_EQ(occurrences(out.str(), "3/3 files"), 1u);
}

TEST(ProgressLineDraw, NotTerminalWritesNothing) {
    ManualClock clock;
    std::ostringstream out;
    auto options = terminal_options(clock);
    options.terminal = false;
    ProgressLine line(out, options);
    line.update(progress_of(1, 3, false, 0, 0));
    line.clear();
    EXPECT_EQ(out.str(), "");
    EXPECT_EQ(line.last().files_done, 1u);
}

TEST(ProgressLineDraw, LogLineWrittenAboveProgress) {
    ManualClock clock;
    std::ostringstream out;
    ProgressLine line(out, terminal_options(clock));
    line.update(progress_of(1, 3, false, 0, 0));
    out.str("");
    line.write_line("iqts-scan: warning: x\n");
    EXPECT_EQ(out.str(), "\r\x1b[Kiqts-scan: warning: x\n\r1/3+ files  0.0/0.0+ MiB  0:00\x1b[K");
}

TEST(ProgressLineDraw, ClearErasesAndStopsDrawing) {
    ManualClock clock;
    std::ostringstream out;
    ProgressLine line(out, terminal_options(clock));
    line.update(progress_of(1, 3, false, 0, 0));
    out.str("");
    line.clear();
    clock.now += 1s;
    line.update(progress_of(2, 3, false, 0, 0));
    EXPECT_EQ(out.str(), "\r\x1b[K");
}

// Runs the scanner on the sample export with stdout and stderr in files and
// a cache folder of its own; returns what stderr received.
std::string scan_stderr(const iqts::test::TempDir& folder, const std::string& extra) {
    const auto err = folder / "err";
    const std::string command = "XDG_CACHE_HOME=" + shell_quote(folder.path().string()) + " " +
                                shell_quote(IQTS_SCAN_EXECUTABLE) + " scan " +
                                shell_quote(std::string(IQTS_SOURCE_DIR) + "/fixtures/sample-export") + " " + extra +
                                " --format json > " + shell_quote((folder / "out").string()) + " 2> " +
                                shell_quote(err.string());
    EXPECT_NE(run_command(command), -1);
    return iqts::test::read_file(err);
}

TEST(ProgressLineBinary, NotTerminalGivesOnlySummary) {
    const iqts::test::TempDir folder;
    const auto err = scan_stderr(folder, "");
    EXPECT_EQ(err.find('\r'), std::string::npos);
    EXPECT_EQ(occurrences(err, "\x1b[K"), 0u);
    EXPECT_EQ(occurrences(err, " MiB, in "), 1u);
    EXPECT_TRUE(err.ends_with("\n"));
}

TEST(ProgressLineBinary, QuietGivesNoSummary) {
    const iqts::test::TempDir folder;
    const auto err = scan_stderr(folder, "--quiet");
    EXPECT_EQ(occurrences(err, " MiB, in "), 0u);
    EXPECT_EQ(err.find('\r'), std::string::npos);
}

// Runs the scanner under a pseudo-terminal made by script(1) from
// util-linux and returns what the terminal received.
std::string scan_on_terminal(const iqts::test::TempDir& folder, const std::string& extra) {
    const std::string scan = "XDG_CACHE_HOME=" + shell_quote(folder.path().string()) + " " +
                             shell_quote(IQTS_SCAN_EXECUTABLE) + " scan " +
                             shell_quote(std::string(IQTS_SOURCE_DIR) + "/fixtures/sample-export") + " " + extra +
                             " --format json --output " + shell_quote((folder / "report.json").string());
    const auto typescript = folder / "terminal";
    EXPECT_NE(run_command("script -qec " + shell_quote(scan) + " " + shell_quote(typescript.string()) +
                          " < /dev/null > /dev/null 2>&1"),
              -1);
    return iqts::test::read_file(typescript);
}

TEST(ProgressLineBinary, TerminalShowsProgressThenSummary) {
    const iqts::test::TempDir folder;
    const auto terminal = scan_on_terminal(folder, "");
    EXPECT_NE(terminal.find("\r"), std::string::npos);
    EXPECT_NE(terminal.find(" files  "), std::string::npos);
    EXPECT_TRUE(names_a_document(terminal));
    EXPECT_NE(terminal.find("\r\x1b[K"), std::string::npos);
    EXPECT_EQ(occurrences(terminal, " MiB, in "), 1u);
}

TEST(ProgressLineBinary, TerminalRedactHidesFileNames) {
    const iqts::test::TempDir folder;
    iqts::test::write_file(folder / "redact.key", "0123456789abcdef0123456789abcdef\n");
    const auto terminal = scan_on_terminal(folder, "--redact-key " + shell_quote((folder / "redact.key").string()));
    EXPECT_NE(terminal.find(" files  "), std::string::npos);
    EXPECT_FALSE(names_a_document(terminal));
}

TEST(ProgressLineBinary, TerminalQuietShowsNothing) {
    const iqts::test::TempDir folder;
    const auto terminal = scan_on_terminal(folder, "--quiet");
    EXPECT_EQ(terminal.find(" files  "), std::string::npos);
    EXPECT_EQ(occurrences(terminal, " MiB, in "), 0u);
}

}  // namespace
}  // namespace iqts::host
