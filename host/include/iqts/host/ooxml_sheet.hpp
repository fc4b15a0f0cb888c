#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/document.hpp"
#include "iqts/host/ooxml_xml.hpp"

namespace iqts::host::ooxml {

// The size of an Excel worksheet, which is also the largest sheet
// LibreOffice Calc writes.
constexpr std::uint32_t max_sheet_rows = 1'048'576;
constexpr std::uint32_t max_sheet_columns = 16'384;

// Returns a number in its shortest round-trip form: 23, 0.1, 1e+21.
std::string number_text(double number);

// Returns `days` since 1970-01-01 as ISO 8601 (YYYY-MM-DD, with THH:MM:SS
// when the time is not midnight), or an empty string outside years 1 to 9999.
std::string iso_date_from_days(double days);

// Parses ISO 8601 "YYYY-MM-DD" with an optional "THH:MM:SS[.fff]" into
// days since 1970-01-01. Returns false when `text` is not such a date.
bool days_from_iso_date(std::string_view text, double& days);

// Collects the non-empty cells of one sheet in any order and builds a Table
// whose first_row and first_column are the smallest used row and column.
// Rows are stored from the first to the last non-empty one and each row ends
// at its last non-empty cell, so a sparse sheet never allocates its declared
// size and rows may differ in length. Merged ranges are stored relative to
// the table, like the indices Table::location takes.
class SheetBuilder {
public:
    SheetBuilder(std::string name, CellBudget& budget) : name_(std::move(name)), budget_(budget) {}

    // Adds a cell at a 0-based sheet position; a later cell at the same position wins.
    void add(std::uint32_t row, std::uint32_t column, Cell cell);
    // Adds a merged range in 0-based sheet positions.
    void merge(const MergedRange& range);
    const std::string& name() const { return name_; }

    Table build(bool is_sheet);

private:
    struct Placed {
        std::uint32_t row;
        std::uint32_t column;
        Cell cell;
    };

    std::string name_;
    CellBudget& budget_;
    std::vector<Placed> cells_;
    std::vector<MergedRange> merges_;
};

}  // namespace iqts::host::ooxml
