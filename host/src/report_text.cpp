#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/host/report.hpp"
#include "report_summary.hpp"

namespace iqts::host {
namespace {

constexpr std::size_t kStatusWidth = 7;      // "missing", the longest status word
constexpr std::size_t kIdWidth = 6;          // "C1.10" and a space; longer custom ids get one space
constexpr std::size_t kSkippedListMax = 9;   // skipped files are listed one by one up to this count
constexpr std::string_view kReset = "\x1b[0m";

std::string_view ansi_colour(Status status) {
    switch (status) {
        case Status::pass: return "\x1b[32m";      // green
        case Status::waived: return "\x1b[34m";    // blue
        case Status::review: return "\x1b[36m";    // cyan
        case Status::missing: return "\x1b[33m";   // yellow
        case Status::fail: return "\x1b[31m";      // red
        case Status::error: return "\x1b[31m";     // red
    }
    return "";
}

// Returns `value` as valid UTF-8 with every control character replaced by a
// space. A file name from the export then cannot move the cursor or recolour
// the terminal. C1 controls (U+0080 to U+009F) are two bytes in UTF-8.
std::string printable(std::string_view value) {
    std::string safe = report_detail::to_valid_utf8(value);
    std::string out;
    out.reserve(safe.size());
    for (std::size_t i = 0; i < safe.size(); ++i) {
        const auto byte = static_cast<unsigned char>(safe[i]);
        if (byte < 0x20 || byte == 0x7f) {
            out += ' ';
        } else if (byte == 0xc2 && i + 1 < safe.size() && static_cast<unsigned char>(safe[i + 1]) < 0xa0) {
            out += ' ';
            ++i;
        } else {
            out += safe[i];
        }
    }
    return out;
}

std::string plural(int count, std::string_view singular, std::string_view plural_form) {
    return std::to_string(count) + " " + std::string(count == 1 ? singular : plural_form);
}

std::string upper(std::string_view word) {
    std::string out(word);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

std::string join(const std::vector<std::string>& values, std::string_view separator) {
    std::string out;
    for (const std::string& value : values) {
        if (!out.empty()) {
            out += separator;
        }
        out += printable(value);
    }
    return out;
}

std::string_view part_heading(int part) {
    switch (part) {
        case 1: return "Part 1 – Entry";
        case 2: return "Part 2 – Training";
        case 3: return "Part 3 – Management and quality assurance";
        default: return "Other checks";
    }
}

class TextWriter {
public:
    TextWriter(const Report& report, std::ostream& out, bool colour)
        : report_(report), out_(out), colour_(colour) {}

    void write() {
        write_header();
        write_parts();
        write_evidence();
        write_deadline();
        write_grid();
        write_files();
        write_registers();
        write_plugins();
        write_summary();
    }

private:
    // Writes `word` padded to the status column, coloured as `status` when
    // colour is on. Padding goes outside the escape codes to keep columns aligned.
    void status_word(Status status, std::string_view word) {
        if (colour_) {
            out_ << ansi_colour(status) << word << kReset;
        } else {
            out_ << word;
        }
        if (word.size() < kStatusWidth) {
            out_ << std::string(kStatusWidth - word.size(), ' ');
        }
    }

    void write_header() {
        const report_detail::FileCounts files = report_detail::count_export_files(report_);
        const std::string version = report_.tool_version.empty() ? IQTS_VERSION : printable(report_.tool_version);

        out_ << "iqts-scan " << version << " | export: " << join(report_.export_paths, ", ") << " | "
             << report_detail::describe_file_counts(files) << ", " << files.skipped << " skipped\n";
    }

    void write_parts() {
        for (int part : {1, 2, 3, 0}) {
            const auto in_part = [part](const CriterionResult& result) {
                const bool known = result.criterion.part >= 1 && result.criterion.part <= 3;
                return part == 0 ? !known : result.criterion.part == part;
            };
            if (std::none_of(report_.criteria.begin(), report_.criteria.end(), in_part)) {
                continue;
            }

            out_ << '\n' << part_heading(part) << '\n';
            for (const CriterionResult& result : report_.criteria) {
                if (in_part(result)) {
                    write_criterion(result);
                }
            }
        }
    }

    void write_criterion(const CriterionResult& result) {
        const auto passing = std::count_if(result.findings.begin(), result.findings.end(),
                                           [](const Finding& finding) { return finding.status == Status::pass; });
        const int total = static_cast<int>(result.findings.size());
        const int not_passing = total - static_cast<int>(passing);

        const std::string id = printable(result.criterion.id);
        out_ << "  ";
        status_word(result.status, upper(to_string(result.status)));
        out_ << "  " << id << std::string(id.size() < kIdWidth ? kIdWidth - id.size() : 1, ' ')
             << printable(result.criterion.title);
        if (total == 0) {
            out_ << " (no findings)\n";
        } else {
            out_ << " (" << not_passing << " of " << plural(total, "finding", "findings") << " not passing)\n";
        }

        const std::string indent(4 + kStatusWidth + 2, ' ');
        for (const Finding& finding : result.findings) {
            if (finding.status != Status::pass) {
                write_finding(finding, indent);
            }
        }
        if (passing > 0) {
            out_ << indent << plural(static_cast<int>(passing), "finding passes", "findings pass") << '\n';
        }
    }

    void write_finding(const Finding& finding, const std::string& indent) {
        out_ << indent;
        status_word(finding.status, to_string(finding.status));
        out_ << "  ";
        if (!finding.subject.empty()) {
            out_ << printable(finding.subject) << ": ";
        }
        out_ << printable(finding.message) << '\n';

        const std::string evidence_indent = indent + std::string(kStatusWidth + 2, ' ');
        for (const Evidence& evidence : finding.evidence) {
            out_ << evidence_indent << "at " << printable(evidence.path);
            if (!evidence.location.empty()) {
                out_ << " (" << printable(evidence.location) << ')';
            }
            out_ << '\n';
        }
    }

    void write_evidence() {
        out_ << "\nEvidence expected three weeks before the event\n";
        if (report_.evidence.empty()) {
            out_ << "  no items are listed in the rule pack\n";
            return;
        }

        const std::string path_indent(2 + kStatusWidth + 2, ' ');
        for (const EvidenceItem& item : report_.evidence) {
            out_ << "  ";
            status_word(item.status, item.status == Status::pass ? "present" : to_string(item.status));
            out_ << "  " << printable(item.item) << '\n';
            for (const std::string& path : item.paths) {
                out_ << path_indent << "at " << printable(path) << '\n';
            }
        }
    }

    void write_deadline() {
        const Deadline& deadline = report_.deadline;
        if (deadline.inspection_date.empty()) {
            return;
        }
        out_ << "\nDeadline: inspection " << deadline.inspection_date << ", evidence due " << deadline.due_date;
        if (deadline.days_left >= 0) {
            out_ << " (" << plural(deadline.days_left, "day", "days") << " left)\n";
        } else {
            out_ << " (" << plural(-deadline.days_left, "day", "days") << " late)\n";
        }
        if (!deadline.late_files.empty()) {
            out_ << "  " << plural(static_cast<int>(deadline.late_files.size()), "file", "files")
                 << " changed after the due date:\n";
            for (const LateFile& file : deadline.late_files) {
                out_ << "    " << printable(file.path) << ": " << printable(file.modified) << " ("
                     << printable(file.source) << ")\n";
            }
        }
    }

    void write_grid() {
        const Grid& grid = report_.grid;
        if (!grid.folder_message.empty()) {
            out_ << "\n";
            status_word(Status::review, "REVIEW");
            out_ << "  " << printable(grid.folder_message) << '\n';
        }
        if (grid.path.empty()) {
            out_ << "\nCompliance grid: none found in the export\n";
            return;
        }

        const auto broken = std::count_if(grid.rows.begin(), grid.rows.end(),
                                          [](const GridRow& row) { return row.status != "resolved"; });
        out_ << "\nCompliance grid: " << printable(grid.path) << '\n';
        out_ << "  " << plural(static_cast<int>(grid.rows.size()), "link", "links") << ", " << broken << " broken\n";

        const std::string detail_indent(2 + kStatusWidth + 2, ' ');
        for (const GridRow& row : grid.rows) {
            if (row.status == "resolved") {
                continue;
            }
            out_ << "  ";
            status_word(Status::fail, printable(row.status));
            out_ << "  " << printable(row.criterion) << ' ' << printable(row.title) << '\n';
            out_ << detail_indent << "link: " << printable(row.link);
            if (!row.location.empty()) {
                out_ << " (" << printable(row.location) << ')';
            }
            out_ << '\n';
            if (!row.reason.empty()) {
                out_ << detail_indent << printable(row.reason) << '\n';
            }
            if (!row.candidates.empty()) {
                out_ << detail_indent << "closest: " << join(row.candidates, ", ") << '\n';
            }
        }
        if (!grid.empty_criteria.empty()) {
            out_ << "  no evidence row for " << join(grid.empty_criteria, ", ") << '\n';
        }
    }

    void write_file_list(FileStatus status, std::string_view heading) {
        const int count = report_detail::count_files(report_, status);
        if (count == 0) {
            return;
        }

        out_ << '\n' << heading << " (" << count << ")\n";
        for (const FileRecord& file : report_.files) {
            if (file.status == status) {
                out_ << "  " << printable(file.path) << ": " << printable(file.reason) << '\n';
            }
        }
    }

    void write_files() {
        write_file_list(FileStatus::unreadable, "Unreadable files");
        write_file_list(FileStatus::review, "Files for review");

        const int skipped = report_detail::count_files(report_, FileStatus::skipped);
        if (skipped == 0) {
            return;
        }
        if (static_cast<std::size_t>(skipped) > kSkippedListMax) {
            out_ << "\nSkipped files: " << skipped << " (listed in the JSON report)\n";
            return;
        }
        write_file_list(FileStatus::skipped, "Skipped files");
    }

    // Names the registers the cohort came from, so a provider can see which
    // spreadsheet was read as what, and any register that was not read.
    void write_registers() {
        if (report_.registers.empty() && report_.register_problems.empty()) {
            return;
        }
        out_ << "\nRegisters read (" << report_.registers.size() << ")\n";
        for (const Register& found : report_.registers) {
            out_ << "  " << found.kind << ": " << printable(found.path);
            if (!found.table.empty()) {
                out_ << " (" << printable(found.table) << ')';
            }
            out_ << ", " << plural(static_cast<int>(found.columns.size()), "column", "columns") << " recognised\n";
        }
        if (report_.register_problems.empty()) {
            return;
        }
        out_ << "\nRegisters not read (" << report_.register_problems.size() << ")\n";
        for (const Finding& problem : report_.register_problems) {
            write_finding(problem, "  ");
        }
    }

    void write_plugins() {
        std::vector<const PluginRecord*> rejected;
        for (const PluginRecord& plugin : report_.plugins) {
            if (plugin.status != "loaded") {
                rejected.push_back(&plugin);
            }
        }
        if (rejected.empty()) {
            return;
        }

        out_ << "\nPlugins not loaded (" << rejected.size() << ")\n";
        for (const PluginRecord* plugin : rejected) {
            out_ << "  " << printable(plugin->path) << ": " << printable(plugin->reason) << '\n';
        }
    }

    void write_summary() {
        const report_detail::StatusCounts counts = report_detail::count_criteria(report_);
        const int total = static_cast<int>(report_.criteria.size());

        out_ << "\nSummary: " << plural(total, "criterion", "criteria") << ':';
        bool first = true;
        for (Status status : report_detail::kStatusOrder) {
            out_ << (first ? " " : ", ") << counts[status] << ' ' << to_string(status);
            first = false;
        }
        out_ << '\n';

        if (report_.exit_status() == 0) {
            out_ << "Exit status 0: no criterion fails or is missing.\n";
        } else {
            out_ << "Exit status 1: at least one criterion fails, is missing or could not be checked.\n";
        }
    }

    const Report& report_;
    std::ostream& out_;
    bool colour_;
};

}  // namespace

void write_text(const Report& report, std::ostream& out, bool colour) {
    TextWriter(report, out, colour).write();
}

}  // namespace iqts::host
