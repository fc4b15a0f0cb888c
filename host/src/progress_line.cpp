#include "iqts/host/progress_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "report_summary.hpp"

namespace iqts::host {
namespace {

constexpr const char* ellipsis = "\xE2\x80\xA6";  // U+2026, one column
constexpr const char* erase_to_end = "\x1b[K";
constexpr double mebibyte = 1048576.0;

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

std::size_t columns(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        if (!is_continuation(static_cast<unsigned char>(c))) ++count;
    }
    return count;
}

// Returns the first `limit` code points of `text`.
std::string keep_first(std::string_view text, std::size_t limit) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_continuation(static_cast<unsigned char>(text[i])) && seen++ == limit) return std::string(text.substr(0, i));
    }
    return std::string(text);
}

// Returns the last `limit` code points of `text`.
std::string keep_last(std::string_view text, std::size_t limit) {
    std::size_t seen = 0;
    for (std::size_t i = text.size(); i > 0; --i) {
        if (!is_continuation(static_cast<unsigned char>(text[i - 1])) && ++seen == limit) {
            return std::string(text.substr(i - 1));
        }
    }
    return std::string(text);
}

// Returns `raw` as valid UTF-8 with C0 and C1 control characters replaced
// by '?', so a file name cannot move the cursor or send escape sequences to
// the terminal, and code points can be counted by their lead bytes.
// NOTE: report_text.cpp has the same filter with spaces in an anonymous
// namespace; one shared function in report_summary.hpp would serve both.
std::string printable(std::string_view raw) {
    const std::string text = report_detail::to_valid_utf8(raw);
    std::string result;
    result.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == 0x7F) {
            result += '?';
        } else if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
            result += '?';
            ++i;
        } else {
            result += static_cast<char>(byte);
        }
    }
    return result;
}

std::string shorten_left(std::string_view text, std::size_t width) {
    if (columns(text) <= width) return std::string(text);
    if (width == 0) return "";
    return ellipsis + keep_last(text, width - 1);
}

std::string format_count(std::uint64_t value) {
    const auto digits = std::to_string(value);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

std::string format_mib(std::uint64_t bytes) {
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.1f", static_cast<double>(bytes) / mebibyte);
    return buffer.data();
}

// Formats whole seconds as M:SS, or H:MM:SS from one hour on.
std::string format_clock(std::chrono::seconds duration) {
    const auto total = duration.count() < 0 ? 0 : duration.count();
    std::array<char, 32> buffer{};
    if (total >= 3600) {
        std::snprintf(buffer.data(), buffer.size(), "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                      static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
    } else {
        std::snprintf(buffer.data(), buffer.size(), "%lld:%02lld", static_cast<long long>(total / 60),
                      static_cast<long long>(total % 60));
    }
    return buffer.data();
}

}  // namespace

std::optional<std::chrono::seconds> estimate_remaining(const ScanProgress& progress,
                                                       std::chrono::steady_clock::duration elapsed) {
    if (!progress.walk_finished || elapsed <= std::chrono::steady_clock::duration::zero()) return std::nullopt;
    double done = static_cast<double>(progress.bytes_done);
    double total = static_cast<double>(progress.bytes_found);
    if (progress.bytes_done == 0) {
        done = static_cast<double>(progress.files_done);
        total = static_cast<double>(progress.files_found);
    }
    if (done <= 0) return std::nullopt;
    if (total <= done) return std::chrono::seconds(0);
    const double seconds = std::chrono::duration<double>(elapsed).count() * (total - done) / done;
    return std::chrono::seconds(static_cast<long long>(std::ceil(seconds)));
}

std::string render_progress_line(const ScanProgress& progress, std::chrono::steady_clock::duration elapsed,
                                 std::size_t width, bool show_current) {
    if (width <= 1) return "";
    const std::size_t limit = width - 1;
    const char* growing = progress.walk_finished ? "" : "+";

    std::string line = format_count(progress.files_done) + "/" + format_count(progress.files_found) + growing +
                       " files  " + format_mib(progress.bytes_done) + "/" + format_mib(progress.bytes_found) +
                       growing + " MiB  " +
                       format_clock(std::chrono::duration_cast<std::chrono::seconds>(elapsed));
    if (const auto remaining = estimate_remaining(progress, elapsed)) {
        line += "  ~" + format_clock(*remaining) + " left";
    }
    if (columns(line) > limit) return keep_first(line, limit);

    // A path is shown only when a useful tail of it fits: an ellipsis and
    // at least a few characters of the file name.
    constexpr std::size_t separator = 2;
    constexpr std::size_t shortest_path = 8;
    if (show_current && !progress.current.empty() && columns(line) + separator + shortest_path <= limit) {
        line += "  " + shorten_left(printable(progress.current), limit - columns(line) - separator);
    }
    return line;
}

std::string render_summary_line(const Report& report, const ScanProgress& progress,
                                std::chrono::steady_clock::duration elapsed) {
    std::array<char, 32> seconds{};
    std::snprintf(seconds.data(), seconds.size(), "%.1f", std::chrono::duration<double>(elapsed).count());
    // The files are counted from the report, so that the count matches the
    // report's header. The progress counts only the files that were extracted.
    std::string line = "iqts-scan: " + report_detail::describe_file_counts(report_detail::count_export_files(report)) +
                       ", " + format_mib(progress.bytes_done) + " MiB, in " + seconds.data() + " s";

    constexpr std::array statuses{Status::pass, Status::waived, Status::review, Status::missing, Status::fail,
                                  Status::error};
    std::string counts;
    for (const auto status : statuses) {
        std::size_t count = 0;
        for (const auto& result : report.criteria) count += result.status == status ? 1 : 0;
        if (count == 0) continue;
        counts += (counts.empty() ? "" : ", ") + std::to_string(count) + " " + std::string(to_string(status));
    }
    if (!counts.empty()) line += "; criteria: " + counts;
    return line;
}

std::size_t terminal_width(int fd) {
    winsize size{};
    if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    if (const char* text = std::getenv("COLUMNS")) {
        const long value = std::strtol(text, nullptr, 10);
        if (value > 0 && value < 10000) return static_cast<std::size_t>(value);
    }
    return 80;
}

ProgressLine::ProgressLine(std::ostream& out, Options options)
    : out_(out), options_(std::move(options)), started_(options_.now()) {}

std::string ProgressLine::draw_text() const {
    std::string text = "\r";
    text += render_progress_line(last_, options_.now() - started_, options_.width(), options_.show_current);
    text += erase_to_end;
    return text;
}

void ProgressLine::update(const ScanProgress& progress) {
    const std::lock_guard lock(mutex_);
    last_ = progress;
    if (!options_.terminal || cleared_) return;
    const auto now = options_.now();
    if (drawn_at_ && now - *drawn_at_ < options_.interval) return;
    drawn_at_ = now;
    out_ << draw_text() << std::flush;
}

void ProgressLine::write_line(const std::string& text) {
    const std::lock_guard lock(mutex_);
    if (!options_.terminal || cleared_ || !drawn_at_) {
        out_ << text << std::flush;
        return;
    }
    out_ << "\r" << erase_to_end << text << draw_text() << std::flush;
}

void ProgressLine::clear() {
    const std::lock_guard lock(mutex_);
    if (options_.terminal && drawn_at_ && !cleared_) out_ << "\r" << erase_to_end << std::flush;
    cleared_ = true;
}

ScanProgress ProgressLine::last() const {
    const std::lock_guard lock(mutex_);
    return last_;
}

}  // namespace iqts::host
