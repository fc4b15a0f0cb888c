#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

#include "iqts/host/extract.hpp"
#include "iqts/host/ooxml_package.hpp"
#include "iqts/host/ooxml_sheet.hpp"
#include "iqts/host/ooxml_xml.hpp"
#include "iqts/host/zip_parts.hpp"

namespace iqts::host {

namespace {

using ooxml::max_sheet_columns;
using ooxml::max_sheet_rows;

// Built-in number formats that show a date or a time of day (ECMA-376 Part 1,
// 18.8.30, plus the East Asian ids 27-36 and 50-58). Id 46 is the elapsed
// time [h]:mm:ss, a duration, so it stays a number.
bool is_builtin_date_format(int id) {
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || id == 45 || id == 47 || (id >= 50 && id <= 58);
}

// Returns whether a custom format code shows a date or time: a d, m, y, h or
// s outside quoted literals, escapes and [...] sections. A bracket holding
// only h, m or s letters ([h], [mm]) is elapsed time, a duration.
bool is_date_format_code(std::string_view code) {
    if (code.size() == 7) {
        std::string lower(code);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "general") return false;
    }

    bool has_date_token = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = code[i];
        if (c == '"') {
            const auto end = code.find('"', i + 1);
            if (end == std::string_view::npos) break;
            i = end;
        } else if (c == '\\' || c == '_' || c == '*') {
            ++i;  // the next character is a literal, a space width or a fill
        } else if (c == '[') {
            const auto end = code.find(']', i + 1);
            if (end == std::string_view::npos) break;
            const std::string_view inside = code.substr(i + 1, end - i - 1);
            if (!inside.empty() && inside.find_first_not_of("hHmMsS") == std::string_view::npos) return false;
            i = end;
        } else if (std::string_view("dDmMyYhHsS").find(c) != std::string_view::npos) {
            has_date_token = true;
        }
    }
    return has_date_token;
}

// Returns, for each cellXfs index, whether numbers in that style are dates.
std::vector<bool> read_date_styles(const ZipParts& parts, const std::string& part_name, int max_depth) {
    const std::string& bytes = parts.get(part_name);
    if (bytes.empty()) return {};
    const pugi::xml_document xml = ooxml::parse_part(bytes, part_name, max_depth);
    const pugi::xml_node style_sheet = xml.child("styleSheet");

    std::map<int, bool> custom;
    for (const pugi::xml_node format : style_sheet.child("numFmts").children("numFmt")) {
        custom[format.attribute("numFmtId").as_int(-1)] = is_date_format_code(format.attribute("formatCode").value());
    }

    std::vector<bool> date_styles;
    for (const pugi::xml_node xf : style_sheet.child("cellXfs").children("xf")) {
        const int id = xf.attribute("numFmtId").as_int(0);
        const auto found = custom.find(id);
        date_styles.push_back(found != custom.end() ? found->second : is_builtin_date_format(id));
    }
    return date_styles;
}

// Returns the visible text of a string item: its <t>, or its rich-text runs
// joined. Phonetic guides (<rPh>) are not part of the text.
std::string string_item_text(pugi::xml_node item) {
    std::string text;
    for (const pugi::xml_node child : item.children()) {
        const std::string_view name = child.name();
        if (name == "t") {
            text += ooxml::own_text(child);
        } else if (name == "r") {
            for (const pugi::xml_node run_text : child.children("t")) text += ooxml::own_text(run_text);
        }
    }
    return ooxml::decode_ooxml_escapes(text);
}

std::vector<std::string> read_shared_strings(const ZipParts& parts, const std::string& part_name, int max_depth,
                                             ooxml::TextBudget& text_budget) {
    const std::string& bytes = parts.get(part_name);
    if (bytes.empty()) return {};
    const pugi::xml_document xml = ooxml::parse_part(bytes, part_name, max_depth);
    std::vector<std::string> strings;
    for (const pugi::xml_node item : xml.child("sst").children("si")) {
        strings.push_back(string_item_text(item));
        text_budget.spend(strings.back().size());
    }
    return strings;
}

struct CellPosition {
    std::uint32_t row = 0;     // 0-based
    std::uint32_t column = 0;  // 0-based
};

// Parses an A1 reference. Returns nullopt when it is malformed; throws when
// it lies outside the sheet.
std::optional<CellPosition> parse_reference(std::string_view reference, const std::string& sheet) {
    std::size_t i = 0;
    std::uint64_t column = 0;
    while (i < reference.size() && std::isalpha(static_cast<unsigned char>(reference[i])) && i < 8) {
        column = column * 26 + static_cast<std::uint64_t>(std::toupper(static_cast<unsigned char>(reference[i])) - 'A' + 1);
        ++i;
    }
    std::uint64_t row = 0;
    const std::size_t digits_start = i;
    while (i < reference.size() && std::isdigit(static_cast<unsigned char>(reference[i])) && i - digits_start < 12) {
        row = row * 10 + static_cast<std::uint64_t>(reference[i] - '0');
        ++i;
    }
    if (column == 0 || row == 0 || i != reference.size()) return std::nullopt;
    if (row > max_sheet_rows || column > max_sheet_columns) {
        throw std::runtime_error("sheet '" + sheet + "': the cell reference '" + std::string(reference) +
                                 "' lies outside the 1,048,576 rows and 16,384 columns a sheet can have");
    }
    return CellPosition{static_cast<std::uint32_t>(row - 1), static_cast<std::uint32_t>(column - 1)};
}

// Parses a range such as "A1:B3" (or a single cell) into a merged range.
std::optional<MergedRange> parse_range(std::string_view range, const std::string& sheet) {
    const auto colon = range.find(':');
    const auto first = parse_reference(range.substr(0, colon), sheet);
    const auto last = colon == std::string_view::npos ? first : parse_reference(range.substr(colon + 1), sheet);
    if (!first || !last) return std::nullopt;
    return MergedRange{static_cast<int>(std::min(first->row, last->row)),
                       static_cast<int>(std::min(first->column, last->column)),
                       static_cast<int>(std::max(first->row, last->row)),
                       static_cast<int>(std::max(first->column, last->column))};
}

struct WorkbookContext {
    std::vector<std::string> shared_strings;
    std::vector<bool> date_styles;
    bool date1904 = false;
    int max_depth = 256;
};

// Returns the serial number of a date in the workbook's date system as days
// since 1970-01-01. The 1900 system counts the nonexistent 1900-02-29 as
// serial 60, so serials before it are one day later than the formula gives.
double days_since_1970(double serial, bool date1904) {
    if (date1904) return serial - 24107.0;
    if (serial < 61) return serial - 25568.0;
    return serial - 25569.0;
}

Cell read_cell(pugi::xml_node c, const WorkbookContext& context, ooxml::TextBudget& text_budget) {
    Cell cell;
    const std::string_view type = c.attribute("t").value();
    const std::string value = ooxml::own_text(c.child("v"));

    if (type == "inlineStr") {
        cell.type = CellType::text;
        cell.text = string_item_text(c.child("is"));
    } else if (type == "s") {
        if (!c.child("v")) return cell;
        std::size_t index = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), index);
        cell.type = CellType::text;
        if (error == std::errc() && end == value.data() + value.size() && index < context.shared_strings.size()) {
            cell.text = context.shared_strings[index];
        }
    } else if (type == "str" || type == "e") {
        cell.type = CellType::text;
        cell.text = ooxml::decode_ooxml_escapes(value);
    } else if (type == "b") {
        if (!c.child("v")) return cell;
        cell.type = CellType::boolean;
        cell.boolean = value == "1" || value == "true";
        cell.text = cell.boolean ? "TRUE" : "FALSE";
    } else if (type == "d") {
        if (value.empty()) return cell;
        double days = 0;
        if (ooxml::days_from_iso_date(value, days)) {
            cell.type = CellType::date;
            cell.number = days;
            cell.text = ooxml::iso_date_from_days(days);
        } else {
            cell.type = CellType::text;
            cell.text = value;
        }
    } else {
        if (value.empty()) return cell;
        double number = 0;
        const char* begin = value.data();
        const char* finish = value.data() + value.size();
        if (*begin == '+') ++begin;
        const auto [end, error] = std::from_chars(begin, finish, number);
        if (error != std::errc() || end != finish) {
            cell.type = CellType::text;
            cell.text = value;
        } else {
            cell.type = CellType::number;
            cell.number = number;
            cell.text = ooxml::number_text(number);

            const auto style = c.attribute("s").as_uint(0);
            if (style < context.date_styles.size() && context.date_styles[style]) {
                const double days = days_since_1970(number, context.date1904);
                const std::string iso = ooxml::iso_date_from_days(days);
                if (number >= 0 && !iso.empty()) {
                    cell.type = CellType::date;
                    cell.number = days;
                    cell.text = iso;
                }
            }
        }
    }
    text_budget.spend(cell.text.size());
    return cell;
}

Table read_worksheet(const ZipParts& parts, const std::string& part_name, const std::string& sheet_name,
                     const WorkbookContext& context, ooxml::CellBudget& cell_budget, ooxml::TextBudget& text_budget) {
    const std::string& bytes = parts.get(part_name);
    if (bytes.empty()) throw std::runtime_error("the sheet '" + sheet_name + "' has no part '" + part_name + "'");
    const pugi::xml_document xml = ooxml::parse_part(bytes, part_name, context.max_depth);
    const pugi::xml_node worksheet = xml.first_child();

    ooxml::SheetBuilder builder(sheet_name, cell_budget);
    std::int64_t previous_row = -1;
    for (const pugi::xml_node row : worksheet.child("sheetData").children("row")) {
        std::int64_t row_index = previous_row + 1;
        if (const auto r = row.attribute("r")) {
            const auto declared = r.as_llong(0);
            if (declared < 1 || declared > max_sheet_rows) {
                throw std::runtime_error("sheet '" + sheet_name + "': the row number '" + r.value() +
                                         "' lies outside the 1,048,576 rows a sheet can have");
            }
            row_index = declared - 1;
        }
        if (row_index >= max_sheet_rows) {
            throw std::runtime_error("sheet '" + sheet_name + "' has more than the 1,048,576 rows a sheet can have");
        }
        previous_row = row_index;

        std::int64_t previous_column = -1;
        for (const pugi::xml_node c : row.children("c")) {
            CellPosition position{static_cast<std::uint32_t>(row_index), static_cast<std::uint32_t>(previous_column + 1)};
            if (const auto r = c.attribute("r")) {
                if (const auto parsed = parse_reference(r.value(), sheet_name)) position = *parsed;
            }
            if (position.column >= max_sheet_columns) {
                throw std::runtime_error("sheet '" + sheet_name + "': row " + std::to_string(row_index + 1) +
                                         " has more than the 16,384 columns a sheet can have");
            }
            previous_column = position.column;

            Cell cell = read_cell(c, context, text_budget);
            if (cell.type != CellType::empty) builder.add(position.row, position.column, std::move(cell));
        }
    }

    for (const pugi::xml_node merge : worksheet.child("mergeCells").children("mergeCell")) {
        if (const auto range = parse_range(merge.attribute("ref").value(), sheet_name)) builder.merge(*range);
    }
    return builder.build(true);
}

}  // namespace

Extraction extract_xlsx(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    const ZipParts parts(bytes, ooxml::max_part_bytes(limits));
    const int max_depth = limits.max_xml_depth;

    Extraction extraction;
    Document& document = extraction.document;
    document.path = path;
    document.kind = "xlsx";
    ooxml::read_core_properties(parts, document, max_depth);

    const std::string workbook_part = ooxml::find_main_part(parts, "xl/workbook.xml", max_depth);
    const auto relationships = ooxml::read_relationships(parts, workbook_part, max_depth);
    const pugi::xml_document workbook_xml = ooxml::parse_part(parts.get(workbook_part), workbook_part, max_depth);
    const pugi::xml_node workbook = workbook_xml.child("workbook");

    ooxml::TextBudget text_budget(limits.max_text_bytes);
    ooxml::CellBudget cell_budget(limits.max_cells);
    WorkbookContext context;
    context.max_depth = max_depth;
    const std::string_view date1904 = workbook.child("workbookPr").attribute("date1904").value();
    context.date1904 = date1904 == "1" || date1904 == "true";
    if (const auto* styles = ooxml::find_relationship_of_kind(relationships, "styles")) {
        context.date_styles = read_date_styles(parts, styles->target, max_depth);
    }
    if (const auto* strings = ooxml::find_relationship_of_kind(relationships, "sharedStrings")) {
        context.shared_strings = read_shared_strings(parts, strings->target, max_depth, text_budget);
    }

    for (const pugi::xml_node sheet : workbook.child("sheets").children("sheet")) {
        const std::string name = sheet.attribute("name").value();
        const auto* relationship = ooxml::find_relationship(relationships, sheet.attribute("r:id").value());
        // Chart sheets and dialog sheets hold no cells.
        if (!relationship || relationship->external ||
            !(relationship->is("worksheet") || relationship->is("xlMacrosheet"))) {
            continue;
        }

        Table table = read_worksheet(parts, relationship->target, name, context, cell_budget, text_budget);
        const std::string_view state = sheet.attribute("state").value();
        table.hidden = state == "hidden" || state == "veryHidden";
        document.tables.push_back(std::move(table));
    }
    return extraction;
}

}  // namespace iqts::host
