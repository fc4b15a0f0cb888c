#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/host/extract.hpp"
#include "iqts/host/text_encoding.hpp"
#include "text_budget.hpp"

namespace iqts::host {

namespace {

// Reads RFC 4180 records: quoted fields may hold delimiters, line breaks and
// doubled quotes. Spaces around a field are dropped, so `"a", 2.99` reads as
// two fields. Each byte is looked at a bounded number of times, so a single
// 200 MB line takes linear time.
class CsvReader {
public:
    CsvReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

    // Reads the next record into `fields`; returns false at the end of the text.
    bool next_record(std::vector<std::string>& fields) {
        fields.clear();
        if (pos_ >= text_.size()) return false;
        while (true) {
            fields.emplace_back();
            read_field(fields.back());
            if (pos_ >= text_.size()) return true;
            const char separator = text_[pos_++];
            if (separator == delimiter_) continue;
            if (separator == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
            return true;
        }
    }

    bool at_end() const { return pos_ >= text_.size(); }

private:
    bool is_field_end(char c) const { return c == delimiter_ || c == '\r' || c == '\n'; }

    bool is_padding(char c) const { return (c == ' ' || c == '\t') && c != delimiter_; }

    void skip_padding() {
        while (pos_ < text_.size() && is_padding(text_[pos_])) ++pos_;
    }

    // Reads one field and leaves `pos_` on the delimiter or line break after it.
    void read_field(std::string& field) {
        skip_padding();
        if (pos_ < text_.size() && text_[pos_] == '"') {
            read_quoted(field);
            return;
        }
        auto end = pos_;
        while (end < text_.size() && !is_field_end(text_[end])) ++end;
        auto value = text_.substr(pos_, end - pos_);
        while (!value.empty() && is_padding(value.back())) value.remove_suffix(1);
        field.assign(value);
        pos_ = end;
    }

    void read_quoted(std::string& field) {
        ++pos_;
        while (pos_ < text_.size()) {
            const auto quote = text_.find('"', pos_);
            if (quote == std::string_view::npos) {
                // An unclosed quote takes the rest of the file, as spreadsheet programs do.
                field.append(text_.substr(pos_));
                pos_ = text_.size();
                return;
            }
            field.append(text_.substr(pos_, quote - pos_));
            pos_ = quote + 1;
            if (pos_ < text_.size() && text_[pos_] == '"') {
                field += '"';
                ++pos_;
                continue;
            }
            break;
        }

        // Text between the closing quote and the delimiter is kept, not lost.
        skip_padding();
        while (pos_ < text_.size() && !is_field_end(text_[pos_])) {
            field += text_[pos_++];
        }
    }

    std::string_view text_;
    char delimiter_;
    std::size_t pos_ = 0;
};

bool is_blank_record(const std::vector<std::string>& fields) {
    return fields.size() == 1 && fields[0].empty();
}

// Picks the delimiter among comma, semicolon and tab that most often splits
// the first records of the file into the same number of fields, which must
// be more than one. Ties go to the earlier candidate. Comma is the default.
char detect_delimiter(std::string_view text) {
    constexpr std::size_t sample_bytes = 64 * 1024;
    constexpr std::size_t sample_records = 20;
    const auto sample = text.substr(0, sample_bytes);
    const bool sample_cut = sample.size() < text.size();

    char best = ',';
    std::size_t best_matches = 0;
    std::size_t best_fields = 0;
    for (const char candidate : {',', ';', '\t'}) {
        CsvReader reader(sample, candidate);
        std::vector<std::string> fields;
        std::vector<std::size_t> counts;
        while (counts.size() < sample_records && reader.next_record(fields)) {
            // The last record of a cut sample may be incomplete.
            if (sample_cut && reader.at_end()) break;
            if (!is_blank_record(fields)) counts.push_back(fields.size());
        }
        if (counts.empty() || counts.front() < 2) continue;

        std::size_t matches = 0;
        for (const auto count : counts) {
            if (count == counts.front()) ++matches;
        }
        if (matches > best_matches || (matches == best_matches && counts.front() > best_fields)) {
            best = candidate;
            best_matches = matches;
            best_fields = counts.front();
        }
    }
    return best;
}

// Returns true for plain decimal numbers: an optional sign, digits, and
// optionally a point followed by digits ("6.5", "-3"). Thousands separators
// and exponents stay text, so "1,234" is never misread.
bool is_plain_number(std::string_view text) {
    std::size_t pos = 0;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    const auto digits_from = [&](std::size_t from) {
        std::size_t end = from;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
        return end;
    };
    const auto integer_end = digits_from(pos);
    if (integer_end == pos) return false;
    if (integer_end == text.size()) return true;
    if (text[integer_end] != '.') return false;
    const auto fraction_end = digits_from(integer_end + 1);
    return fraction_end > integer_end + 1 && fraction_end == text.size();
}

Cell make_cell(std::string&& text) {
    Cell cell;
    if (text.empty()) return cell;
    if (is_plain_number(text)) {
        const auto* first = text.data() + (text[0] == '+' ? 1 : 0);
        std::from_chars(first, text.data() + text.size(), cell.number);
        cell.type = CellType::number;
    } else {
        cell.type = CellType::text;
    }
    cell.text = std::move(text);
    return cell;
}

}  // namespace

Extraction extract_csv(const std::string& path, std::string_view bytes, const ExtractLimits& limits) {
    Extraction extraction;
    auto& document = extraction.document;
    document.path = path;
    document.kind = "csv";

    const auto decoded = decode_text(bytes);
    const char delimiter = detect_delimiter(decoded.text);

    Table table;
    table.is_sheet = true;
    TextBudget budget(limits.max_text_bytes);
    std::size_t cells = 0;
    bool too_many_cells = false;

    CsvReader reader(decoded.text, delimiter);
    std::vector<std::string> fields;
    while (!budget.exhausted() && !too_many_cells && reader.next_record(fields)) {
        if (is_blank_record(fields)) continue;
        auto& row = table.rows.emplace_back();
        row.reserve(fields.size());
        for (auto& field : fields) {
            if (++cells > limits.max_cells) {
                too_many_cells = true;
                break;
            }
            field.resize(budget.admit(field));
            row.push_back(make_cell(std::move(field)));
            if (budget.exhausted()) break;
        }
    }
    document.tables.push_back(std::move(table));

    if (budget.exhausted()) {
        extraction.status = FileStatus::review;
        extraction.reason = TextBudget::exhausted_reason;
    } else if (too_many_cells) {
        extraction.status = FileStatus::review;
        extraction.reason = "more than " + std::to_string(limits.max_cells) +
                            " cells: the rest of the file was not read";
    }
    return extraction;
}

}  // namespace iqts::host
