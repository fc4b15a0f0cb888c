#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>
#include <xlsxwriter.h>

#include "iqts/host/report_formats.hpp"
#include "report_summary.hpp"

namespace iqts::host {

namespace fs = std::filesystem;

std::optional<fs::path> evidence_file_on_disk(const Report& report, std::string_view virtual_path) {
    // A path inside an archive has no file of its own on disk.
    if (virtual_path.find('!') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::size_t slash = virtual_path.find('/');
    if (slash == std::string_view::npos || slash == 0) {
        return std::nullopt;
    }
    const std::string root(virtual_path.substr(0, slash));
    const fs::path inside = fs::path(std::string(virtual_path.substr(slash + 1))).lexically_normal();
    if (inside.empty() || inside.is_absolute() || *inside.begin() == "..") {
        return std::nullopt;
    }

    for (const std::string& export_path : report.export_paths) {
        std::error_code error;
        fs::path folder = fs::absolute(export_path, error).lexically_normal();
        if (error) {
            continue;
        }
        if (folder.filename().empty()) {
            folder = folder.parent_path();
        }
        if (folder.filename() != root || !fs::is_directory(folder, error)) {
            continue;
        }

        // The walker never follows symbolic links, so neither does a link.
        const fs::path file = folder / inside;
        if (fs::symlink_status(file, error).type() == fs::file_type::regular) {
            return file;
        }
    }
    return std::nullopt;
}

std::string percent_encode_path(std::string_view path) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(path.size());
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            encoded += c;
        } else {
            encoded += '%';
            encoded += kHex[byte >> 4];
            encoded += kHex[byte & 0x0f];
        }
    }
    return encoded;
}

namespace {

using report_detail::to_valid_utf8;

// Excel stores at most 32,767 characters, counted in UTF-16 code units, in a cell.
constexpr std::size_t kMaxCellUnits = 32767;
constexpr std::string_view kTruncationMark = " … [truncated]";
// Excel's maximum length of a hyperlink target. libxlsxwriter 1.1.4 rejects a
// longer one with a warning on stderr, so such a link is written as text.
constexpr std::size_t kMaxUrlLength = 2079;
constexpr lxw_row_t kLastRow = LXW_ROW_MAX - 1;

// Returns how many UTF-16 code units the valid UTF-8 sequence starting with
// `lead` takes: two for a 4-byte sequence, none for a continuation byte.
std::size_t utf16_units(unsigned char lead) {
    if ((lead & 0xc0) == 0x80) return 0;
    return lead >= 0xf0 ? 2 : 1;
}

std::size_t count_utf16_units(std::string_view text) {
    std::size_t units = 0;
    for (const char c : text) {
        units += utf16_units(static_cast<unsigned char>(c));
    }
    return units;
}

// Returns `value` ready for a cell: valid UTF-8, with text that reads like
// an OOXML escape ("_x0041_") protected so that Excel shows it literally, and
// cut to Excel's cell limit with a visible mark.
std::string cell_text(std::string_view value) {
    const std::string valid = to_valid_utf8(value);

    std::string text;
    text.reserve(valid.size());
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const bool escape_like = valid.compare(i, 2, "_x") == 0 && i + 6 < valid.size() && valid[i + 6] == '_' &&
                                 std::all_of(valid.begin() + i + 2, valid.begin() + i + 6,
                                             [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        if (escape_like) {
            text += "_x005F";
        }
        text += valid[i];
    }

    if (count_utf16_units(text) <= kMaxCellUnits) {
        return text;
    }
    const std::size_t budget = kMaxCellUnits - count_utf16_units(kTruncationMark);
    std::size_t units = 0;
    std::size_t cut = 0;
    while (cut < text.size()) {
        const auto lead = static_cast<unsigned char>(text[cut]);
        std::size_t length = 1;
        while (cut + length < text.size() && (static_cast<unsigned char>(text[cut + length]) & 0xc0) == 0x80) {
            ++length;
        }
        if (units + utf16_units(lead) > budget) {
            break;
        }
        units += utf16_units(lead);
        cut += length;
    }
    text.resize(cut);
    text += kTruncationMark;
    return text;
}

// Fill and font colours of a status cell. Each pair keeps the text legible
// (contrast of at least 4.5:1), and the status word is always written too.
struct StatusColours {
    lxw_color_t fill;
    lxw_color_t font;
};

StatusColours status_colours(Status status) {
    switch (status) {
        case Status::pass: return {0xC6EFCE, 0x006100};      // green
        case Status::fail: return {0xFFC7CE, 0x9C0006};      // red
        case Status::missing: return {0xF8CBAD, 0x833C0B};   // orange
        case Status::review: return {0xFFEB9C, 0x7F4F00};    // yellow
        case Status::error: return {0x9C0006, 0xFFFFFF};     // dark red, white text
        case Status::waived: return {0xD9E1F2, 0x1F3864};    // grey-blue
    }
    return {0xFFFFFF, 0x000000};
}

struct Column {
    const char* heading;
    double width;   // in characters of the default font
};

class WorkbookWriter {
public:
    WorkbookWriter(const Report& report, lxw_workbook* workbook, fs::path output_folder)
        : report_(report), workbook_(workbook), output_folder_(std::move(output_folder)) {}

    void write() {
        set_properties();
        add_formats();
        write_grid_sheet();
        write_findings_sheet();
        write_files_sheet();
    }

private:
    void set_properties() {
        // Only the title and subject are set: no author, company or
        // manager, so the file carries no personal data.
        static char title[] = "iQTS compliance grid – scan report";
        static char subject[] = "Compliance grid filled in by iqts-scan";
        lxw_doc_properties properties{};
        properties.title = title;
        properties.subject = subject;
        check(workbook_set_properties(workbook_, &properties), "document properties");
    }

    void add_formats() {
        header_ = workbook_add_format(workbook_);
        format_set_bold(header_);
        format_set_bg_color(header_, 0xE7E6E6);
        format_set_bottom(header_, LXW_BORDER_THIN);
        format_set_text_wrap(header_);
        format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);

        link_ = workbook_add_format(workbook_);
        format_set_underline(link_, LXW_UNDERLINE_SINGLE);
        format_set_font_color(link_, 0x0563C1);
        format_set_align(link_, LXW_ALIGN_VERTICAL_TOP);

        wrapped_ = workbook_add_format(workbook_);
        format_set_text_wrap(wrapped_);
        format_set_align(wrapped_, LXW_ALIGN_VERTICAL_TOP);

        for (const Status status : report_detail::kStatusOrder) {
            const StatusColours colours = status_colours(status);
            lxw_format* format = workbook_add_format(workbook_);
            format_set_pattern(format, LXW_PATTERN_SOLID);
            format_set_bg_color(format, colours.fill);
            format_set_font_color(format, colours.font);
            format_set_bold(format);
            format_set_align(format, LXW_ALIGN_VERTICAL_TOP);
            status_formats_[static_cast<std::size_t>(status)] = format;
        }
    }

    lxw_format* status_format(Status status) const { return status_formats_[static_cast<std::size_t>(status)]; }

    // Adds a sheet with a bold, frozen header row and the column widths.
    lxw_worksheet* add_sheet(const char* name, const std::vector<Column>& columns) {
        lxw_worksheet* sheet = workbook_add_worksheet(workbook_, name);
        if (sheet == nullptr) {
            throw std::runtime_error(std::string("cannot add the worksheet ") + name);
        }
        for (lxw_col_t column = 0; column < columns.size(); ++column) {
            check(worksheet_set_column(sheet, column, column, columns[column].width, nullptr), name);
            check(worksheet_write_string(sheet, 0, column, columns[column].heading, header_), name);
        }
        worksheet_freeze_panes(sheet, 1, 0);
        return sheet;
    }

    // Adds the autofilter over the header and every written row.
    void finish_sheet(lxw_worksheet* sheet, lxw_row_t last_row, std::size_t column_count, const char* name) {
        check(worksheet_autofilter(sheet, 0, 0, last_row, static_cast<lxw_col_t>(column_count - 1)), name);
    }

    void check(lxw_error error, std::string_view what) const {
        if (error != LXW_NO_ERROR) {
            throw std::runtime_error("cannot write " + std::string(what) + " to the workbook: " + lxw_strerror(error));
        }
    }

    // Writes `value` as a string cell: worksheet_write_string never reads a
    // leading '=' as a formula.
    void text(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t column, std::string_view value,
              lxw_format* format = nullptr) {
        if (value.empty() && format == nullptr) {
            return;
        }
        const std::string safe = cell_text(value);
        check(worksheet_write_string(sheet, row, column, safe.c_str(), format), "a cell");
    }

    void number(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t column, double value) {
        check(worksheet_write_number(sheet, row, column, value, nullptr), "a cell");
    }

    // Writes `shown` as a hyperlink to the file `virtual_path` names, relative
    // to the workbook, when the file sits in a folder export. A file inside an
    // archive has nothing to link to, so it stays text.
    void evidence_link(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t column, std::string_view shown,
                       std::string_view virtual_path) {
        const std::optional<std::string> url = relative_url(virtual_path);
        if (url) {
            const std::string safe = cell_text(shown);
            if (worksheet_write_url_opt(sheet, row, column, url->c_str(), link_, safe.c_str(), nullptr) ==
                LXW_NO_ERROR) {
                // libxlsxwriter 1.1.4 also turns the slashes in the shown text
                // of an external link into backslashes. Writing the text again
                // keeps the link and restores the path as the report names it.
                text(sheet, row, column, shown, link_);
                return;
            }
        }
        text(sheet, row, column, shown);
    }

    std::optional<std::string> relative_url(std::string_view virtual_path) const {
        const std::optional<fs::path> file = evidence_file_on_disk(report_, virtual_path);
        if (!file) {
            return std::nullopt;
        }
        std::error_code error;
        const fs::path relative = fs::relative(*file, output_folder_, error);
        if (error || relative.empty()) {
            return std::nullopt;
        }
        // Percent-encoding also hides '#' and ':', which libxlsxwriter would
        // read as a sheet reference and a drive letter.
        const std::string target = percent_encode_path(relative.generic_string());
        if (target.size() > kMaxUrlLength) {
            return std::nullopt;
        }
        return "external:" + target;
    }

    // Returns whether another data row fits; past Excel's last row the
    // sheet ends with a note instead.
    bool room_for_row(lxw_worksheet* sheet, lxw_row_t row) {
        if (row < kLastRow) {
            return true;
        }
        if (row == kLastRow) {
            text(sheet, row, 0, "More rows than a worksheet holds; the JSON report lists them all.");
        }
        return false;
    }

    void write_grid_sheet() {
        static const std::vector<Column> columns = {
            {"Part", 6},           {"Criterion", 11},     {"Heading", 40},
            {"Status", 10},        {"Findings", 10},      {"Evidence", 40},
            {"Evidence path", 60}, {"Link", 10},          {"Closest files", 60}};
        lxw_worksheet* sheet = add_sheet("Compliance grid", columns);

        std::vector<bool> row_used(report_.grid.rows.size(), false);
        lxw_row_t row = 1;
        for (const CriterionResult& result : report_.criteria) {
            const auto not_passing = std::count_if(result.findings.begin(), result.findings.end(),
                                                   [](const Finding& finding) { return finding.status != Status::pass; });

            // One row per grid evidence, the criterion repeated on each so
            // that a filter on any column keeps whole rows.
            std::vector<const GridRow*> evidence;
            for (std::size_t i = 0; i < report_.grid.rows.size(); ++i) {
                if (same_criterion(report_.grid.rows[i].criterion, result.criterion.id)) {
                    evidence.push_back(&report_.grid.rows[i]);
                    row_used[i] = true;
                }
            }
            if (evidence.empty()) {
                evidence.push_back(nullptr);
            }

            for (const GridRow* grid_row : evidence) {
                if (!room_for_row(sheet, row)) {
                    break;
                }
                write_part(sheet, row, result.criterion.part);
                text(sheet, row, 1, result.criterion.id);
                text(sheet, row, 2, result.criterion.title, wrapped_);
                text(sheet, row, 3, to_string(result.status), status_format(result.status));
                number(sheet, row, 4, static_cast<double>(not_passing));
                if (grid_row != nullptr) {
                    write_grid_evidence(sheet, row, *grid_row);
                }
                ++row;
            }
        }

        // Grid rows for a criterion the scan does not know keep their place
        // at the end, so that no row of the provider's grid is lost.
        for (std::size_t i = 0; i < report_.grid.rows.size(); ++i) {
            if (row_used[i] || !room_for_row(sheet, row)) {
                continue;
            }
            text(sheet, row, 1, report_.grid.rows[i].criterion);
            write_grid_evidence(sheet, row, report_.grid.rows[i]);
            ++row;
        }
        finish_sheet(sheet, row - 1, columns.size(), "Compliance grid");
        worksheet_activate(sheet);
    }

    // Writes Parts 1 to 3 as numbers, so that they sort and filter as numbers.
    void write_part(lxw_worksheet* sheet, lxw_row_t row, int part) {
        if (part >= 1 && part <= 3) {
            number(sheet, row, 0, part);
        } else {
            text(sheet, row, 0, "other");
        }
    }

    // Criterion ids from the provider's grid may differ in case ("c1.3").
    static bool same_criterion(std::string_view grid_id, std::string_view id) {
        return grid_id.size() == id.size() &&
               std::equal(grid_id.begin(), grid_id.end(), id.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               });
    }

    void write_grid_evidence(lxw_worksheet* sheet, lxw_row_t row, const GridRow& grid_row) {
        const std::string title = grid_row.title.empty() ? grid_row.link : grid_row.title;
        if (grid_row.status == "resolved" && !grid_row.resolved_path.empty()) {
            evidence_link(sheet, row, 5, title, grid_row.resolved_path);
            text(sheet, row, 6, grid_row.resolved_path);
        } else {
            text(sheet, row, 5, title);
            text(sheet, row, 6, grid_row.link);
        }
        text(sheet, row, 7, grid_row.status);

        std::string closest;
        for (const std::string& candidate : grid_row.candidates) {
            closest += (closest.empty() ? "" : "\n") + candidate;
        }
        text(sheet, row, 8, closest, closest.empty() ? nullptr : wrapped_);
    }

    void write_findings_sheet() {
        static const std::vector<Column> columns = {{"Criterion", 11}, {"Status", 10},        {"Subject", 24},
                                                    {"Message", 70},   {"Evidence path", 60}, {"Location", 16}};
        lxw_worksheet* sheet = add_sheet("Findings", columns);

        lxw_row_t row = 1;
        for (const CriterionResult& result : report_.criteria) {
            for (const Finding& finding : result.findings) {
                const std::size_t rows = std::max<std::size_t>(finding.evidence.size(), 1);
                for (std::size_t i = 0; i < rows && room_for_row(sheet, row); ++i, ++row) {
                    text(sheet, row, 0, result.criterion.id);
                    text(sheet, row, 1, to_string(finding.status), status_format(finding.status));
                    text(sheet, row, 2, finding.subject);
                    text(sheet, row, 3, finding.message, wrapped_);
                    if (i < finding.evidence.size()) {
                        const Evidence& evidence = finding.evidence[i];
                        evidence_link(sheet, row, 4, evidence.path, evidence.path);
                        text(sheet, row, 5, evidence.location);
                    }
                }
            }
        }
        finish_sheet(sheet, row - 1, columns.size(), "Findings");
    }

    void write_files_sheet() {
        static const std::vector<Column> columns = {{"Path", 70}, {"Kind", 10}, {"Status", 12}, {"Reason", 60}};
        lxw_worksheet* sheet = add_sheet("Files", columns);

        lxw_row_t row = 1;
        for (const FileStatus status : {FileStatus::unreadable, FileStatus::review, FileStatus::skipped}) {
            for (const FileRecord& file : report_.files) {
                if (file.status != status || !room_for_row(sheet, row)) {
                    continue;
                }
                text(sheet, row, 0, file.path);
                text(sheet, row, 1, file.kind);
                text(sheet, row, 2, to_string(file.status),
                     status == FileStatus::skipped ? nullptr : status_format(Status::review));
                text(sheet, row, 3, file.reason, wrapped_);
                ++row;
            }
        }
        finish_sheet(sheet, row - 1, columns.size(), "Files");
    }

    const Report& report_;
    lxw_workbook* workbook_;
    fs::path output_folder_;
    lxw_format* header_ = nullptr;
    lxw_format* wrapped_ = nullptr;
    lxw_format* link_ = nullptr;
    std::array<lxw_format*, 6> status_formats_{};
};

}  // namespace

void write_xlsx(const Report& report, const std::string& path) {
    const fs::path target(path);
    std::error_code error;
    const fs::path folder = fs::absolute(target, error).parent_path();
    if (error || !fs::is_directory(folder, error)) {
        throw std::runtime_error("cannot write " + path + ": folder " + folder.string() +
                                 " does not exist; create it or choose another output path");
    }

    // libxlsxwriter writes to a file name, so the temporary name and the
    // rename happen here rather than in write_atomically.
    const fs::path temporary = folder / ("." + target.filename().string() + ".tmp-" + std::to_string(getpid()));
    lxw_workbook* workbook = workbook_new(temporary.c_str());
    if (workbook == nullptr) {
        throw std::runtime_error("cannot write " + path + ": the workbook could not be created");
    }

    try {
        WorkbookWriter(report, workbook, folder).write();
    } catch (...) {
        // Closing is the only way to free the workbook, and the file it leaves is removed.
        workbook_close(workbook);
        fs::remove(temporary, error);
        throw;
    }
    const lxw_error closed = workbook_close(workbook);
    if (closed != LXW_NO_ERROR) {
        fs::remove(temporary, error);
        throw std::runtime_error("cannot write " + path + ": " + lxw_strerror(closed));
    }

    if (std::rename(temporary.c_str(), target.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        fs::remove(temporary, error);
        throw std::runtime_error("cannot write " + path + ": " + reason);
    }
}

}  // namespace iqts::host
