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
// anything, so the report opens the same offline. Every colour pair has a
// contrast of at least 4.5:1 (WCAG AA), and every status also appears as a
// word, so nothing depends on colour. The status filter rules that depend on
// the statuses are written by filter_style().
constexpr std::string_view kStyle = R"(
* { box-sizing: border-box; }
body { font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 15px;
       color: #1a1a1a; background: #f3f4f6; margin: 0; line-height: 1.45; }
.page-header { position: sticky; top: 0; z-index: 1; background: #1f3864; color: #fff;
               padding: 0.6rem 2rem; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.25); }
.page-header h1 { font-size: 1.3rem; margin: 0 0 0.4rem; font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; }
.filters-legend { margin-right: 0.4rem; font-size: 0.9rem; }
.filters label { cursor: pointer; border: 1px solid #c5cee0; border-radius: 999px; padding: 0.1rem 0.75rem;
                 font-size: 0.9rem; color: #fff; background: transparent; user-select: none; }
.filters label:hover { background: #2e4d86; }
.filter-count { display: inline-block; min-width: 1.4em; margin-left: 0.3em; padding: 0 0.35em; border-radius: 999px;
                background: rgba(255, 255, 255, 0.2); text-align: center; font-size: 0.8rem; }
.filter-input { position: fixed; top: 0; left: 0; width: 1px; height: 1px; margin: 0; opacity: 0; }
main { max-width: 76rem; margin: 0 auto; padding: 0.5rem 2rem 1rem; }
main > section { background: #fff; border: 1px solid #d0d5dd; border-radius: 6px; padding: 0.25rem 1.25rem 1rem;
                 margin: 1rem 0; }
h2 { font-size: 1.2rem; margin: 0.6rem 0 0.75rem; padding-bottom: 0.3rem; border-bottom: 1px solid #d0d5dd; color: #1f3864; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.4rem; }
h3 .badge { margin-right: 0.4rem; vertical-align: 0.1em; font-size: 0.8rem; }
table { border-collapse: collapse; margin: 0.25rem 0 0.75rem; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; color: #4a5260; padding: 0.2rem 0; }
th, td { border-bottom: 1px solid #dde1e6; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #eef0f4; border-bottom: 2px solid #c3c9d2; }
tbody th { font-weight: 600; }
td.path, .path { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
ul.plain { list-style: none; margin: 0; padding: 0; }
a:link, a:visited { color: #0645ad; }
.badge { display: inline-block; min-width: 4.8em; padding: 0 0.35em; border: 1px solid rgba(0, 0, 0, 0.35); border-radius: 3px;
         font-size: 0.78rem; font-weight: 700; letter-spacing: 0.03em; text-transform: uppercase; text-align: center; }
.s-pass, a.s-pass:link, a.s-pass:visited { background: #c6efce; color: #006100; }
.s-fail, a.s-fail:link, a.s-fail:visited { background: #ffc7ce; color: #9c0006; }
.s-missing, a.s-missing:link, a.s-missing:visited { background: #f8cbad; color: #833c0b; }
.s-review, a.s-review:link, a.s-review:visited { background: #ffeb9c; color: #7f4f00; }
.s-error, a.s-error:link, a.s-error:visited { background: #9c0006; color: #fff; }
.s-waived, a.s-waived:link, a.s-waived:visited { background: #d9e1f2; color: #1f3864; }
.s-neutral { background: #f2f2f2; color: #1a1a1a; }
.counts { display: grid; grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr)); gap: 0.5rem;
          list-style: none; margin: 0.75rem 0 0.5rem; padding: 0; }
.count { border: 1px solid rgba(0, 0, 0, 0.2); border-radius: 6px; padding: 0.4rem; text-align: center; }
.count-number { display: block; font-size: 1.7rem; font-weight: 700; line-height: 1.2; }
.count-word { font-weight: 600; text-transform: uppercase; font-size: 0.8rem; letter-spacing: 0.04em; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.5rem;
         list-style: none; margin: 0 0 0.75rem; padding: 0; }
a.tile { display: block; height: 100%; padding: 0.45rem 0.6rem; border: 1px solid rgba(0, 0, 0, 0.2); border-radius: 6px;
         text-decoration: none; }
a.tile:hover, a.tile:focus-visible { outline: 3px solid #1f3864; outline-offset: 1px; }
.tile-id { font-weight: 700; margin-right: 0.35rem; }
.tile-status { float: right; font-weight: 700; text-transform: uppercase; font-size: 0.78rem; letter-spacing: 0.04em; }
.tile-title, .tile-findings { display: block; font-size: 0.88rem; }
.tile-findings { opacity: 0.9; }
.note { color: #4a5260; }
.filter-empty { display: none; }
@media print {
  body { margin: 0; font-size: 10pt; background: #fff; }
  .page-header { position: static; background: none; color: #000; box-shadow: none; padding: 0; }
  .filters, .filter-input { display: none; }
  main { max-width: none; padding: 0; }
  main > section { border: none; padding: 0; }
  a:link, a:visited { color: inherit; text-decoration: none; }
  .badge, a.tile, .count { background: none; color: #000; border: 1px solid #000; }
  tr, h3, .tile { break-inside: avoid; } h2, h3 { break-after: avoid; }
}
)";

// The choices of the status filter: "all", "open" (every status but pass),
// then one per status.
constexpr std::string_view kFilterAll = "all";
constexpr std::string_view kFilterOpen = "open";

// Returns `value` with the characters that HTML gives a meaning escaped,
// invalid UTF-8 repaired and control characters replaced by U+FFFD, which
// HTML and XML both reject.
std::string escape(std::string_view value) {
    const std::string valid = report_detail::to_xml_text(value);
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
        // to_xml_text has replaced the C0 controls, but not DEL.
        const bool delete_control = byte == 0x7f;
        // C1 controls (U+0080 to U+009F) are 0xC2 followed by 0x80 to 0x9F.
        const bool c1_control =
            byte == 0xc2 && i + 1 < valid.size() && static_cast<unsigned char>(valid[i + 1]) < 0xa0;
        if (delete_control || c1_control) {
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

// Returns the CSS that makes the status filter work without a script: the
// radio inputs come before <header> and <main> as their siblings, so a
// checked input selects, through the `~` combinator, which findings stay
// visible and which label looks pressed. The :has() rules also hide
// criteria and Parts without a matching finding; a browser without :has()
// drops only those rules and shows such criteria with an empty table.
std::string filter_style() {
    std::string css;
    const auto add_choice = [&css](std::string_view choice, std::string_view hidden_finding,
                                   std::string_view matching_finding) {
        const std::string input = "#filter-" + std::string(choice);
        const std::string label = " ~ header label[for=\"filter-" + std::string(choice) + "\"]";
        css += input + ":checked" + label + " { background: #fff; color: #1f3864; border-color: #fff; font-weight: 600; }\n";
        css += input + ":focus-visible" + label + " { outline: 3px solid #ffbf47; outline-offset: 2px; }\n";
        if (hidden_finding.empty()) {
            return;
        }
        css += input + ":checked ~ main " + std::string(hidden_finding) + " { display: none; }\n";
        for (const std::string_view block : {".criterion", ".part"}) {
            css += input + ":checked ~ main " + std::string(block) + ":not(:has(" + std::string(matching_finding) +
                   ")) { display: none; }\n";
        }
        css += input + ":checked ~ main .findings-area:not(:has(" + std::string(matching_finding) +
               ")) .filter-empty { display: block; }\n";
    };

    add_choice(kFilterAll, "", "");
    add_choice(kFilterOpen, ".finding.status-pass", ".finding:not(.status-pass)");
    for (const Status status : report_detail::kStatusOrder) {
        const std::string word(to_string(status));
        add_choice(word, ".finding:not(.status-" + word + ")", ".finding.status-" + word);
    }
    return css;
}

// Returns the position of `status` in the order findings are listed: the
// report's status order with pass moved last.
std::size_t finding_rank(Status status) {
    if (status == Status::pass) {
        return report_detail::kStatusOrder.size();
    }
    const auto* it = std::find(report_detail::kStatusOrder.begin(), report_detail::kStatusOrder.end(), status);
    return static_cast<std::size_t>(it - report_detail::kStatusOrder.begin());
}

class HtmlWriter {
public:
    HtmlWriter(const Report& report, std::ostream& out) : report_(report), out_(out) {}

    void write() {
        write_head();
        out_ << "<body>\n";
        write_filter_inputs();
        out_ << "<header class=\"page-header\">\n<h1>iQTS scan report</h1>\n";
        write_filter_labels();
        out_ << "</header>\n<main>\n";
        write_summary();
        write_deadline();
        write_overview();
        out_ << "<div class=\"findings-area\">\n";
        out_ << "<p class=\"filter-empty note\">No finding has the status the filter selects.</p>\n";
        for (int part : {1, 2, 3, 0}) {
            write_part(part);
        }
        out_ << "</div>\n";
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
             << "<title>iQTS scan report</title>\n<style>" << kStyle << filter_style() << "</style>\n</head>\n";
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

    // Counts the findings of every criterion per status.
    report_detail::StatusCounts count_findings() const {
        report_detail::StatusCounts counts;
        for (const CriterionResult& result : report_.criteria) {
            for (const Finding& finding : result.findings) {
                ++counts.by_status[static_cast<std::size_t>(finding.status)];
            }
        }
        return counts;
    }

    // Writes the radio inputs of the status filter, visually hidden but
    // focusable; their visible labels follow in the header.
    void write_filter_inputs() {
        const auto input = [this](std::string_view choice, bool checked) {
            out_ << "<input type=\"radio\" class=\"filter-input\" name=\"status-filter\" id=\"filter-" << choice
                 << "\" aria-describedby=\"filter-legend\"" << (checked ? " checked=\"checked\"" : "") << "/>\n";
        };
        input(kFilterAll, true);
        input(kFilterOpen, false);
        for (const Status status : report_detail::kStatusOrder) {
            input(to_string(status), false);
        }
    }

    void write_filter_labels() {
        const report_detail::StatusCounts counts = count_findings();
        int total = 0;
        for (const Status status : report_detail::kStatusOrder) {
            total += counts[status];
        }
        const auto label = [this](std::string_view choice, std::string_view text, int count) {
            out_ << "<label for=\"filter-" << choice << "\">" << escape(text) << "<span class=\"filter-count\">"
                 << count << "</span></label>\n";
        };

        out_ << "<nav class=\"filters\" aria-label=\"Findings filter\">\n"
             << "<span class=\"filters-legend\" id=\"filter-legend\">Show findings with status:</span>\n";
        label(kFilterAll, "all", total);
        label(kFilterOpen, "not passing", total - counts[Status::pass]);
        for (const Status status : report_detail::kStatusOrder) {
            label(to_string(status), to_string(status), counts[status]);
        }
        out_ << "</nav>\n";
    }

    void write_summary() {
        const report_detail::FileCounts files = report_detail::count_export_files(report_);
        const report_detail::StatusCounts counts = report_detail::count_criteria(report_);

        out_ << "<section>\n<h2 id=\"summary\">Summary</h2>\n";
        out_ << "<ul class=\"counts\" aria-label=\"Criteria per status\">\n";
        for (const Status status : report_detail::kStatusOrder) {
            const std::string word(to_string(status));
            out_ << "<li class=\"count s-" << word << "\" data-status=\"" << word << "\"><span class=\"count-number\">"
                 << counts[status] << "</span> <span class=\"count-word\">" << word << "</span></li>\n";
        }
        out_ << "</ul>\n";

        out_ << "<table>\n<caption>Scan summary</caption>\n<tbody>\n";
        out_ << "<tr><th scope=\"row\">Result</th><td>" << badge(report_detail::overall_status(report_)) << ' ';
        if (report_.exit_status() == 0) {
            out_ << "No criterion fails or is missing.";
        } else {
            out_ << "At least one criterion fails, is missing or could not be checked.";
        }
        out_ << "</td></tr>\n";

        out_ << "<tr><th scope=\"row\">Criteria</th><td>" << report_.criteria.size() << ":";
        bool first = true;
        for (const Status status : report_detail::kStatusOrder) {
            out_ << (first ? " " : ", ") << counts[status] << ' ' << to_string(status);
            first = false;
        }
        out_ << "</td></tr>\n";

        out_ << "<tr><th scope=\"row\">Export</th><td><ul class=\"plain\">";
        for (const std::string& path : report_.export_paths) {
            out_ << "<li class=\"path\">" << escape(path) << "</li>";
        }
        out_ << "</ul></td></tr>\n";
        out_ << "<tr><th scope=\"row\">Files</th><td>" << report_detail::describe_file_counts(files) << ", "
             << files.skipped << " skipped</td></tr>\n";
        out_ << "</tbody>\n</table>\n</section>\n";
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

    std::vector<std::size_t> members_of(int part) const {
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < report_.criteria.size(); ++i) {
            if (in_part(report_.criteria[i], part)) {
                members.push_back(i);
            }
        }
        return members;
    }

    // Writes every criterion as a tile coloured by its status, grouped by
    // Part, each linked to its findings.
    void write_overview() {
        out_ << "<section>\n<h2 id=\"criteria\">Criteria by Part</h2>\n";
        if (report_.criteria.empty()) {
            out_ << "<p>The scan checked no criteria.</p>\n</section>\n";
            return;
        }
        for (int part : {1, 2, 3, 0}) {
            const std::vector<std::size_t> members = members_of(part);
            if (members.empty()) {
                continue;
            }
            out_ << "<h3>" << escape(part_heading(part)) << "</h3>\n<ul class=\"tiles\">\n";
            for (const std::size_t index : members) {
                const CriterionResult& result = report_.criteria[index];
                const std::string word(to_string(result.status));
                out_ << "<li><a class=\"tile s-" << word << "\" href=\"#" << anchor(index) << "\" data-criterion=\""
                     << escape(result.criterion.id) << "\"><span class=\"tile-status\">" << word
                     << "</span><span class=\"tile-id\">" << escape(result.criterion.id)
                     << "</span><span class=\"tile-title\">" << escape(result.criterion.title)
                     << "</span><span class=\"tile-findings\">" << findings_count(result) << "</span></a></li>\n";
            }
            out_ << "</ul>\n";
        }
        out_ << "</section>\n";
    }

    void write_part(int part) {
        const std::vector<std::size_t> members = members_of(part);
        if (members.empty()) {
            return;
        }

        out_ << "<section class=\"part\">\n<h2 id=\"part-" << part << "\">" << escape(part_heading(part)) << "</h2>\n";
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
        out_ << "<div class=\"criterion\" data-criterion=\"" << escape(result.criterion.id) << "\">\n";
        out_ << "<h3 id=\"" << anchor(index) << "\">" << badge(result.status) << escape(result.criterion.id) << ' '
             << escape(result.criterion.title) << "</h3>\n";
        if (!result.criterion.statement.empty()) {
            out_ << "<p>" << escape(result.criterion.statement) << "</p>\n";
        }
        if (result.findings.empty()) {
            out_ << "<p>No findings: no check reported on this criterion.</p>\n</div>\n";
            return;
        }

        out_ << "<p class=\"note\">" << plural(result.findings.size(), "finding", "findings") << ", "
             << count_passing(result) << " passing.</p>\n";
        open_table("Findings of " + result.criterion.id + ", passing ones last",
                   {"Status", "Subject", "Message", "Evidence"});
        write_findings(result);
        close_table();
        out_ << "</div>\n";
    }

    // Writes one row per finding, worst status first and in check order
    // within a status.
    void write_findings(const CriterionResult& result) {
        std::vector<const Finding*> findings;
        for (const Finding& finding : result.findings) {
            findings.push_back(&finding);
        }
        std::stable_sort(findings.begin(), findings.end(), [](const Finding* left, const Finding* right) {
            return finding_rank(left->status) < finding_rank(right->status);
        });
        for (const Finding* finding : findings) {
            out_ << "<tr class=\"finding status-" << to_string(finding->status) << "\"><td>" << badge(finding->status)
                 << "</td><td>" << escape(finding->subject) << "</td><td>" << escape(finding->message) << "</td><td>";
            write_evidence_list(finding->evidence);
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
