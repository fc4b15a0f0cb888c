#pragma once

#include <string>
#include <vector>

namespace iqts {

enum class CellType { empty, text, number, date, boolean };

// One spreadsheet or table cell. `text` always holds what a person sees:
// the string itself, a number in its shortest form, a date as ISO 8601
// (YYYY-MM-DD, with THH:MM:SS when the time is not midnight), or TRUE/FALSE.
struct Cell {
    CellType type = CellType::empty;
    std::string text;
    double number = 0;     // numbers; for dates, days since 1970-01-01
    bool boolean = false;  // booleans
};

// A merged range, 0-based and inclusive.
struct MergedRange {
    int first_row = 0;
    int first_column = 0;
    int last_row = 0;
    int last_column = 0;
};

// A worksheet, a CSV file or a table in a word-processing document.
struct Table {
    std::string name;        // sheet name; "table 2" for the second Word table
    bool is_sheet = false;   // locations use A1 notation when true
    bool hidden = false;     // a hidden or very hidden worksheet
    int first_row = 0;       // 0-based row of rows[0] in the sheet
    int first_column = 0;    // 0-based column of each row's first cell
    std::vector<std::vector<Cell>> rows;
    std::vector<MergedRange> merges;

    // Returns where rows[row][column] sits: "Trainees!C7" for a sheet,
    // "table 2, row 3, column 1" otherwise.
    std::string location(std::size_t row, std::size_t column) const;
};

// A run of text (paragraph, page, slide, note) and where it was found.
struct TextBlock {
    std::string text;
    std::string location;   // "page 3", "paragraph 12", "header 1", "slide 2 notes"
};

struct Hyperlink {
    std::string text;
    std::string target;
    std::string location;
};

// Everything an extractor read from one evidence file.
struct Document {
    std::string path;       // virtual path: "export.zip!/Part 2/logs.zip!/itap.xlsx"
    std::string kind;       // docx, xlsx, pptx, odt, ods, pdf, csv, html, txt, md
    std::string title;      // the document's own title property, if any
    std::string created;    // ISO 8601 from the document's properties, if any
    std::string modified;   // ISO 8601 from the document's properties, if any
    std::vector<TextBlock> blocks;
    std::vector<Table> tables;
    std::vector<Hyperlink> links;

    // Returns the blocks joined by newlines, tables excluded.
    std::string text() const;
};

// Converts a 0-based column number to its spreadsheet letters: 0 -> A, 27 -> AB.
std::string column_letters(std::size_t column);

inline std::string column_letters(std::size_t column) {
    std::string letters;
    ++column;
    while (column > 0) {
        const auto remainder = (column - 1) % 26;
        letters.insert(letters.begin(), static_cast<char>('A' + remainder));
        column = (column - 1) / 26;
    }
    return letters;
}

inline std::string Table::location(std::size_t row, std::size_t column) const {
    const auto sheet_row = row + static_cast<std::size_t>(first_row);
    const auto sheet_column = column + static_cast<std::size_t>(first_column);
    if (is_sheet) {
        const auto cell = column_letters(sheet_column) + std::to_string(sheet_row + 1);
        return name.empty() ? cell : name + "!" + cell;
    }
    return name + ", row " + std::to_string(sheet_row + 1) + ", column " +
           std::to_string(sheet_column + 1);
}

inline std::string Document::text() const {
    std::string joined;
    for (const auto& block : blocks) {
        if (!joined.empty()) joined += '\n';
        joined += block.text;
    }
    return joined;
}

}  // namespace iqts
