#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/host/report_formats.hpp"
#include "report_summary.hpp"

namespace iqts::host {
namespace {

// Styles live in the page, and the Content-Security-Policy forbids loading
// anything, so the report opens the same offline. Every badge pair has a
// contrast of at least 4.5:1 (WCAG AA), and every badge also carries its
// status word, so nothing depends on colour.
constexpr std::string_view kStyle = R"(
body { font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 2rem; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #999; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #e7e6e6; }
td.path, span.path { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
ul.plain { list-style: none; margin: 0; padding: 0; }
a:link, a:visited { color: #0645ad; }
.badge { display: inline-block; min-width: 4.5em; padding: 0 0.3em; border: 1px solid #555;
         font-weight: bold; text-transform: uppercase; text-align: center; }
.s-pass { background: #c6efce; color: #006100; }
.s-fail { background: #ffc7ce; color: #9c0006; }
.s-missing { background: #f8cbad; color: #833c0b; }
.s-review { background: #ffeb9c; color: #7f4f00; }
.s-error { background: #9c0006; color: #fff; }
.s-waived { background: #d9e1f2; color: #1f3864; }
.s-neutral { background: #f2f2f2; color: #1a1a1a; }
.note { color: #555; }
@media print {
  body { margin: 0; font-size: 10pt; }
  a:link, a:visited { color: inherit; text-decoration: none; }
  .badge { background: none; color: #000; border: 1px solid #000; }
  tr, h3 { break-inside: avoid; } h2, h3 { break-after: avoid; }
}
)";

// Returns `value` with the characters that HTML gives a meaning escaped,
// invalid UTF-8 repaired and control characters replaced by U+FFFD, which
// HTML and XML both reject.
std::string escape(std::string_view value) {
    const std::string valid = report_detail::to_valid_utf8(value);
    std::string out;
    out.reserve(valid.size());
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const char c = valid[i];
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '&': out += "&amp;"; continue;
            case '<': out += "&lt;"; continue;
            case '>': out += "&gt;"; continue;
            case '"': out += "&quot;"; continue;
            case '\'': out += "&#39;"; continue;
            default: break;
        }
        const bool c0_control = (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f;
        // C1 controls (U+0080 to U+009F) are 0xC2 followed by 0x80 to 0x9F.
        const bool c1_control =
            byte == 0xc2 && i + 1 < valid.size() && static_cast<unsigned char>(valid[i + 1]) < 0xa0;
        if (c0_control || c1_control) {
            out += "\xef\xbf\xbd";
            i += c1_control ? 1 : 0;
            continue;
        }
        out += c;
    }
    return out;
}

std::string plural(std::size_t count, std::string_view singular, std::string_view plural_form) {
    return std::to_string(count) + " " + std::string(count == 1 ? singular : plural_form);
}

std::string_view part_heading(int part) {
    switch (part) {
        case 1: return "Part 1 – Entry";
        case 2: return "Part 2 – Training";
        case 3: return "Part 3 – Management and quality assurance";
        default: return "Other checks";
    }
}

bool in_part(const CriterionResult& result, int part) {
    const bool known = result.criterion.part >= 1 && result.criterion.part <= 3;
    return part == 0 ? !known : result.criterion.part == part;
}

std::string badge(std::string_view word, std::string_view style) {
    return "<span class=\"badge s-" + std::string(style) + "\">" + escape(word) + "</span>";
}

std::string badge(Status status) {
    return badge(to_string(status), to_string(status));
}

std::string days_text(int days_left) {
    if (days_left > 0) return plural(static_cast<std::size_t>(days_left), "day", "days") + " left";
    if (days_left == 0) return "due today";
    return plural(static_cast<std::size_t>(-days_left), "day", "days") + " late";
}

class HtmlWriter {
public:
    HtmlWriter(const Report& report, std::ostream& out) : report_(report), out_(out) {}

    void write() {
        write_head();
        out_ << "<body>\n<header>\n<h1>iQTS scan report</h1>\n</header>\n<main>\n";
        write_summary();
        write_deadline();
        for (int part : {1, 2, 3, 0}) {
            write_part(part);
        }
        write_evidence();
        write_grid();
        write_files();
        write_settings();
        write_plugins();
        out_ << "</main>\n<footer>\n<p class=\"note\">Written by iqts-scan " << escape(version())
             << ". Every finding rests on the files and locations listed with it.</p>\n</footer>\n</body>\n</html>\n";
    }

private:
    std::string version() const { return report_.tool_version.empty() ? IQTS_VERSION : report_.tool_version; }

    void write_head() {
        out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
             << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; img-src data:\"/>\n"
             << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
             << "<title>iQTS scan report</title>\n<style>" << kStyle << "</style>\n</head>\n";
    }

    // Opens a table with a caption and a header row of column headings.
    void open_table(std::string_view caption, const std::vector<std::string_view>& headings) {
        out_ << "<table>\n<caption>" << escape(caption) << "</caption>\n<thead><tr>";
        for (const std::string_view heading : headings) {
            out_ << "<th scope=\"col\">" << escape(heading) << "</th>";
        }
        out_ << "</tr></thead>\n<tbody>\n";
    }

    void close_table() { out_ << "</tbody>\n</table>\n"; }

    // Returns the path, linked with a file: URI when it names a file of a
    // folder export. A path inside an archive has nothing to open.
    std::string path_html(std::string_view virtual_path) const {
        const std::optional<std::filesystem::path> file = evidence_file_on_disk(report_, virtual_path);
        if (!file) {
            return "<span class=\"path\">" + escape(virtual_path) + "</span>";
        }
        const std::string uri = "file://" + percent_encode_path(file->generic_string());
        return "<a class=\"path\" href=\"" + escape(uri) + "\">" + escape(virtual_path) + "</a>";
    }

    void write_summary() {
        const int read = report_detail::count_files(report_, FileStatus::read);
        const int review = report_detail::count_files(report_, FileStatus::review);
        const int skipped = report_detail::count_files(report_, FileStatus::skipped);
        const report_detail::StatusCounts counts = report_detail::count_criteria(report_);

        out_ << "<section>\n<h2 id=\"summary\">Summary</h2>\n<table>\n<caption>Scan summary</caption>\n<tbody>\n";
        out_ << "<tr><th scope=\"row\">Export</th><td><ul class=\"plain\">";
        for (const std::string& path : report_.export_paths) {
            out_ << "<li class=\"path\">" << escape(path) << "</li>";
        }
        out_ << "</ul></td></tr>\n";
        out_ << "<tr><th scope=\"row\">Files</th><td>" << read << " read, " << report_.unreadable_count()
             << " unreadable, " << review << " for review, " << skipped << " skipped</td></tr>\n";

        out_ << "<tr><th scope=\"row\">Criteria</th><td>" << report_.criteria.size() << ":";
        bool first = true;
        for (const Status status : report_detail::kStatusOrder) {
            out_ << (first ? " " : ", ") << counts[status] << ' ' << to_string(status);
            first = false;
        }
        out_ << "</td></tr>\n";

        out_ << "<tr><th scope=\"row\">Result</th><td>" << badge(report_detail::overall_status(report_)) << ' ';
        if (report_.exit_status() == 0) {
            out_ << "No criterion fails or is missing.";
        } else {
            out_ << "At least one criterion fails, is missing or could not be checked.";
        }
        out_ << "</td></tr>\n</tbody>\n</table>\n</section>\n";
    }

    void write_deadline() {
        const Deadline& deadline = report_.deadline;
        if (deadline.inspection_date.empty()) {
            return;
        }

        out_ << "<section>\n<h2 id=\"deadline\">Evidence deadline</h2>\n<table>\n<caption>Dates</caption>\n<tbody>\n"
             << "<tr><th scope=\"row\">Inspection</th><td>" << escape(deadline.inspection_date) << "</td></tr>\n"
             << "<tr><th scope=\"row\">Evidence due</th><td>" << escape(deadline.due_date) << "</td></tr>\n"
             << "<tr><th scope=\"row\">Days left</th><td>" << days_text(deadline.days_left) << "</td></tr>\n"
             << "</tbody>\n</table>\n";

        out_ << "<h3>Files changed after the due date</h3>\n";
        if (deadline.late_files.empty()) {
            out_ << "<p>None.</p>\n</section>\n";
            return;
        }
        open_table("Files changed after " + deadline.due_date, {"Path", "Modified", "Date from"});
        for (const LateFile& file : deadline.late_files) {
            out_ << "<tr><td>" << path_html(file.path) << "</td><td>" << escape(file.modified) << "</td><td>"
                 << escape(file.source) << "</td></tr>\n";
        }
        close_table();
        out_ << "</section>\n";
    }

    void write_part(int part) {
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < report_.criteria.size(); ++i) {
            if (in_part(report_.criteria[i], part)) {
                members.push_back(i);
            }
        }
        if (members.empty()) {
            return;
        }

        const std::string heading(part_heading(part));
        out_ << "<section>\n<h2 id=\"part-" << part << "\">" << escape(heading) << "</h2>\n";
        open_table("Criteria of " + heading, {"Status", "Criterion", "Title", "Findings"});
        for (const std::size_t index : members) {
            const CriterionResult& result = report_.criteria[index];
            out_ << "<tr><td>" << badge(result.status) << "</td><th scope=\"row\"><a href=\"#" << anchor(index)
                 << "\">" << escape(result.criterion.id) << "</a></th><td>" << escape(result.criterion.title)
                 << "</td><td>" << findings_count(result) << "</td></tr>\n";
        }
        close_table();

        for (const std::size_t index : members) {
            write_criterion(index);
        }
        out_ << "</section>\n";
    }

    static std::string anchor(std::size_t index) { return "criterion-" + std::to_string(index + 1); }

    static std::size_t count_passing(const CriterionResult& result) {
        return static_cast<std::size_t>(std::count_if(result.findings.begin(), result.findings.end(),
                                                      [](const Finding& finding) { return finding.status == Status::pass; }));
    }

    static std::string findings_count(const CriterionResult& result) {
        if (result.findings.empty()) {
            return "no findings";
        }
        const std::size_t not_passing = result.findings.size() - count_passing(result);
        return std::to_string(not_passing) + " not passing of " + std::to_string(result.findings.size());
    }

    void write_criterion(std::size_t index) {
        const CriterionResult& result = report_.criteria[index];
        out_ << "<h3 id=\"" << anchor(index) << "\">" << badge(result.status) << ' ' << escape(result.criterion.id)
             << ' ' << escape(result.criterion.title) << "</h3>\n";
        if (!result.criterion.statement.empty()) {
            out_ << "<p>" << escape(result.criterion.statement) << "</p>\n";
        }
        if (result.findings.empty()) {
            out_ << "<p>No findings: no check reported on this criterion.</p>\n";
            return;
        }

        const std::size_t passing = count_passing(result);
        if (passing < result.findings.size()) {
            open_table("Findings of " + result.criterion.id + " that do not pass",
                       {"Status", "Subject", "Message", "Evidence"});
            write_findings(result, false);
            close_table();
        }
        if (passing > 0) {
            out_ << "<details>\n<summary>" << plural(passing, "finding passes", "findings pass") << "</summary>\n";
            open_table("Findings of " + result.criterion.id + " that pass", {"Status", "Subject", "Message", "Evidence"});
            write_findings(result, true);
            close_table();
            out_ << "</details>\n";
        }
    }

    void write_findings(const CriterionResult& result, bool passing) {
        for (const Finding& finding : result.findings) {
            if ((finding.status == Status::pass) != passing) {
                continue;
            }
            out_ << "<tr><td>" << badge(finding.status) << "</td><td>" << escape(finding.subject) << "</td><td>"
                 << escape(finding.message) << "</td><td>";
            write_evidence_list(finding.evidence);
            out_ << "</td></tr>\n";
        }
    }

    void write_evidence_list(const std::vector<Evidence>& evidence) {
        if (evidence.empty()) {
            return;
        }
        out_ << "<ul class=\"plain\">";
        for (const Evidence& item : evidence) {
            out_ << "<li>" << path_html(item.path);
            if (!item.location.empty()) {
                out_ << " at " << escape(item.location);
            }
            out_ << "</li>";
        }
        out_ << "</ul>";
    }

    void write_evidence() {
        out_ << "<section>\n<h2 id=\"evidence\">Evidence expected before the inspection</h2>\n";
        if (report_.evidence.empty()) {
            out_ << "<p>The rule pack lists no evidence items.</p>\n</section>\n";
            return;
        }
        open_table("Evidence items", {"Status", "Item", "Files"});
        for (const EvidenceItem& item : report_.evidence) {
            out_ << "<tr><td>" << badge(item.status) << "</td><th scope=\"row\">" << escape(item.item)
                 << "</th><td><ul class=\"plain\">";
            for (const std::string& path : item.paths) {
                out_ << "<li>" << path_html(path) << "</li>";
            }
            out_ << "</ul></td></tr>\n";
        }
        close_table();
        out_ << "</section>\n";
    }

    void write_grid() {
        const Grid& grid = report_.grid;
        out_ << "<section>\n<h2 id=\"grid\">Compliance grid</h2>\n";
        if (grid.path.empty()) {
            out_ << "<p>No compliance grid was found in the export.</p>\n</section>\n";
            return;
        }

        std::vector<const GridRow*> rows;
        for (const GridRow& row : grid.rows) {
            rows.push_back(&row);
        }
        // Broken links first, each group in grid order.
        std::stable_partition(rows.begin(), rows.end(), [](const GridRow* row) { return row->status != "resolved"; });
        const auto broken = std::count_if(rows.begin(), rows.end(),
                                          [](const GridRow* row) { return row->status != "resolved"; });

        out_ << "<p>Grid: " << path_html(grid.path) << ". " << plural(rows.size(), "link", "links") << ", "
             << broken << " broken.</p>\n";
        if (rows.empty()) {
            out_ << "</section>\n";
            return;
        }
        open_table("Links of the compliance grid, broken links first",
                   {"Link status", "Criterion", "Title", "Link", "File or closest files", "Grid cell"});
        for (const GridRow* row : rows) {
            const bool resolved = row->status == "resolved";
            out_ << "<tr><td>" << badge(row->status, resolved ? "pass" : "fail") << "</td><th scope=\"row\">"
                 << escape(row->criterion) << "</th><td>" << escape(row->title) << "</td><td class=\"path\">"
                 << escape(row->link) << "</td><td>";
            if (resolved) {
                out_ << path_html(row->resolved_path);
            } else if (!row->candidates.empty()) {
                out_ << "<ul class=\"plain\">";
                for (const std::string& candidate : row->candidates) {
                    out_ << "<li>" << path_html(candidate) << "</li>";
                }
                out_ << "</ul>";
            } else {
                out_ << "no similar file found";
            }
            out_ << "</td><td>" << escape(row->location) << "</td></tr>\n";
        }
        close_table();
        out_ << "</section>\n";
    }

    void write_files() {
        out_ << "<section>\n<h2 id=\"files\">Files not read</h2>\n";
        const auto not_read = std::count_if(report_.files.begin(), report_.files.end(),
                                            [](const FileRecord& file) { return file.status != FileStatus::read; });
        if (not_read == 0) {
            out_ << "<p>Every file was read.</p>\n</section>\n";
            return;
        }
        open_table("Unreadable, for review and skipped files", {"Status", "Path", "Kind", "Reason"});
        for (const FileStatus status : {FileStatus::unreadable, FileStatus::review, FileStatus::skipped}) {
            for (const FileRecord& file : report_.files) {
                if (file.status != status) {
                    continue;
                }
                out_ << "<tr><td>" << badge(to_string(status), status == FileStatus::skipped ? "neutral" : "review")
                     << "</td><td>" << path_html(file.path) << "</td><td>" << escape(file.kind) << "</td><td>"
                     << escape(file.reason) << "</td></tr>\n";
            }
        }
        close_table();
        out_ << "</section>\n";
    }

    void write_settings() {
        out_ << "<section>\n<h2 id=\"settings\">Settings in force</h2>\n";
        if (report_.settings.empty()) {
            out_ << "<p>No thresholds were used.</p>\n</section>\n";
            return;
        }
        open_table("Thresholds and settings the checks used", {"Setting", "Value", "Unit", "Source"});
        for (const SettingInForce& setting : report_.settings) {
            out_ << "<tr><th scope=\"row\">" << escape(setting.key) << "</th><td>" << escape(setting.setting.value)
                 << "</td><td>" << escape(setting.setting.unit) << "</td><td>" << escape(setting.setting.source)
                 << "</td></tr>\n";
        }
        close_table();
        out_ << "</section>\n";
    }

    void write_plugins() {
        out_ << "<section>\n<h2 id=\"plugins\">Plugins</h2>\n";
        if (report_.plugins.empty()) {
            out_ << "<p>No plugins were found.</p>\n</section>\n";
            return;
        }
        open_table("Check plugins", {"Status", "Name", "Version", "Criteria", "File", "Reason"});
        for (const PluginRecord& plugin : report_.plugins) {
            std::string criteria;
            for (const std::string& id : plugin.criteria) {
                criteria += (criteria.empty() ? "" : ", ") + id;
            }
            const bool loaded = plugin.status == "loaded";
            out_ << "<tr><td>" << badge(plugin.status, loaded ? "pass" : "error") << "</td><th scope=\"row\">"
                 << escape(plugin.name) << "</th><td>" << escape(plugin.version) << "</td><td>" << escape(criteria)
                 << "</td><td class=\"path\">" << escape(plugin.path) << "</td><td>" << escape(plugin.reason)
                 << "</td></tr>\n";
        }
        close_table();
        out_ << "</section>\n";
    }

    const Report& report_;
    std::ostream& out_;
};

}  // namespace

void write_html(const Report& report, std::ostream& out) {
    HtmlWriter(report, out).write();
}

}  // namespace iqts::host
