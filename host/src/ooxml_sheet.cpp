#include "iqts/host/ooxml_sheet.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace iqts::host::ooxml {

std::string number_text(double number) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    return std::string(buffer, result.ptr);
}

std::string iso_date_from_days(double days) {
    // 0001-01-01 and 9999-12-31 as days since 1970-01-01.
    if (!std::isfinite(days) || days < -719162.0 || days >= 2932897.0) return {};

    long long whole_days = static_cast<long long>(std::floor(days));
    long long seconds = std::llround((days - static_cast<double>(whole_days)) * 86400.0);
    if (seconds >= 86400) {
        ++whole_days;
        seconds -= 86400;
    }

    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{whole_days}}};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    std::string text = buffer;
    if (seconds != 0) {
        std::snprintf(buffer, sizeof buffer, "T%02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60);
        text += buffer;
    }
    return text;
}

bool days_from_iso_date(std::string_view text, double& days) {
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    const std::string copy(text);
    int consumed = 0;
    if (std::sscanf(copy.c_str(), "%4d-%2u-%2u%n", &year, &month, &day, &consumed) != 3 || consumed != 10) return false;
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
    if (!date.ok()) return false;
    days = static_cast<double>(std::chrono::sys_days{date}.time_since_epoch().count());

    if (copy.size() > 10 && copy[10] == 'T') {
        unsigned hours = 0;
        unsigned minutes = 0;
        double seconds = 0;
        if (std::sscanf(copy.c_str() + 11, "%2u:%2u:%lf", &hours, &minutes, &seconds) != 3) return false;
        if (hours > 23 || minutes > 59 || seconds < 0 || seconds >= 61) return false;
        days += (hours * 3600.0 + minutes * 60.0 + seconds) / 86400.0;
    }
    return true;
}

void SheetBuilder::add(std::uint32_t row, std::uint32_t column, Cell cell) {
    budget_.spend(1, name_);
    cells_.push_back({row, column, std::move(cell)});
}

void SheetBuilder::merge(const MergedRange& range) {
    budget_.spend(1, name_);
    merges_.push_back(range);
}

Table SheetBuilder::build(bool is_sheet) {
    Table table;
    table.name = name_;
    table.is_sheet = is_sheet;
    if (cells_.empty()) return table;

    // A stable sort keeps the later of two cells at one position last.
    std::stable_sort(cells_.begin(), cells_.end(), [](const Placed& a, const Placed& b) {
        return a.row != b.row ? a.row < b.row : a.column < b.column;
    });

    std::uint32_t first_row = cells_.front().row;
    std::uint32_t first_column = cells_.front().column;
    for (const auto& placed : cells_) first_column = std::min(first_column, placed.column);
    for (const auto& range : merges_) {
        first_row = std::min(first_row, static_cast<std::uint32_t>(range.first_row));
        first_column = std::min(first_column, static_cast<std::uint32_t>(range.first_column));
    }
    table.first_row = static_cast<int>(first_row);
    table.first_column = static_cast<int>(first_column);

    // Padding cells and row vectors count against the budget like real cells.
    const std::size_t row_count = cells_.back().row - first_row + 1;
    std::size_t padded = row_count;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
        const bool last_in_row = i + 1 == cells_.size() || cells_[i + 1].row != cells_[i].row;
        if (last_in_row) padded += cells_[i].column - first_column + 1;
    }
    budget_.spend(padded > cells_.size() ? padded - cells_.size() : 0, name_);

    table.rows.resize(row_count);
    for (auto& placed : cells_) {
        auto& row = table.rows[placed.row - first_row];
        const std::size_t column = placed.column - first_column;
        if (row.size() <= column) row.resize(column + 1);
        row[column] = std::move(placed.cell);
    }
    cells_.clear();

    for (auto range : merges_) {
        range.first_row -= table.first_row;
        range.last_row -= table.first_row;
        range.first_column -= table.first_column;
        range.last_column -= table.first_column;
        table.merges.push_back(range);
    }
    return table;
}

}  // namespace iqts::host::ooxml
