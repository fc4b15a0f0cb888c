#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>

#include "iqts/host/report.hpp"
#include "iqts/host/scan.hpp"

namespace iqts::host {

// Returns the estimated time left, from the bytes (or, when no byte is done
// yet, the files) done so far at the average rate of `elapsed`. Empty while
// the walk is still finding files or nothing is done yet.
std::optional<std::chrono::seconds> estimate_remaining(const ScanProgress& progress,
                                                       std::chrono::steady_clock::duration elapsed);

// Returns the progress text of one terminal line, at most `width` - 1
// columns (the last column is left free so the terminal does not wrap):
//   "412/2,813+ files  38.1/291.0 MiB  0:07  ~0:44 left  …/T0031 Name/Progress review.docx"
// A "+" after the total marks it as still growing. The current file is
// shortened from the left to fit, and left out when `show_current` is false.
// Columns are counted as Unicode code points.
std::string render_progress_line(const ScanProgress& progress, std::chrono::steady_clock::duration elapsed,
                                 std::size_t width, bool show_current);

// Returns the closing line of a scan, without a newline:
//   "iqts-scan: 27 files (24 read, 2 archives, 1 unreadable), 0.7 MiB, in 0.4 s; criteria: 4 pass, 1 fail"
// The files are counted from `report` as its text header counts them, and
// the bytes from `progress`.
std::string render_summary_line(const Report& report, const ScanProgress& progress,
                                std::chrono::steady_clock::duration elapsed);

// Returns the width of the terminal on `fd`, or of $COLUMNS, or 80.
std::size_t terminal_width(int fd);

// Draws the progress of a scan as one updating line (carriage return and
// erase-to-end-of-line) on a terminal, at most once every `interval`.
// Draws nothing when `terminal` is false. Every member may be called from
// any thread: a mutex orders the writes.
class ProgressLine {
public:
    using Clock = std::chrono::steady_clock;

    struct Options {
        bool terminal = false;
        bool show_current = true;            // false under --redact
        // Columns of the terminal, asked before each draw so a resize is followed.
        std::function<std::size_t()> width = [] { return std::size_t{80}; };
        std::chrono::milliseconds interval{100};
        std::function<Clock::time_point()> now = [] { return Clock::now(); };
    };

    ProgressLine(std::ostream& out, Options options);

    // Records the progress and redraws when the last draw is `interval` old.
    void update(const ScanProgress& progress);
    // Writes `text` (a whole line with its newline) above the progress line.
    void write_line(const std::string& text);
    // Erases the line and stops drawing, so the next output starts on a clean line.
    void clear();

    ScanProgress last() const;
    Clock::duration elapsed() const { return options_.now() - started_; }

private:
    std::string draw_text() const;

    mutable std::mutex mutex_;
    bool cleared_ = false;
    std::ostream& out_;
    Options options_;
    Clock::time_point started_;
    std::optional<Clock::time_point> drawn_at_;
    ScanProgress last_;
};

}  // namespace iqts::host
