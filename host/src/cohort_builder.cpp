#include "iqts/host/cohort_builder.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace iqts::host {
namespace {

constexpr std::size_t header_search_rows = 15;

struct ColumnMap {
    std::size_t header_row = 0;
    std::map<std::size_t, std::string> fields;   // column -> canonical field
};

std::size_t word_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), ' ')) + (text.empty() ? 0 : 1);
}

// The fields of the rule pack, matched against header cells. The same
// headers come back in every register of a cohort (each trainee's workbook
// has the same columns), so each header text is matched once.
class HeaderFields {
public:
    explicit HeaderFields(const std::vector<FieldSynonyms>& fields) {
        for (const auto& field : fields) {
            for (const auto& synonym : field.synonyms) {
                exact_.emplace(synonym, field.field);    // the first field to claim a synonym keeps it
                if (word_count(synonym) >= 2) phrases_.push_back({" " + synonym + " ", synonym.size(), field.field});
            }
        }
    }

    // Returns the field a header cell names: an exact synonym first,
    // otherwise the longest synonym of two or more words that the header
    // contains.
    const std::optional<std::string>& field_of(const std::string& header) const {
        const auto known = memo_.find(header);
        if (known != memo_.end()) return known->second;
        return memo_.emplace(header, match(normalise_header(header))).first->second;
    }

private:
    struct Phrase {
        std::string padded;    // the synonym with a space on each side
        std::size_t length;
        std::string field;
    };

    std::optional<std::string> match(const std::string& normalised) const {
        if (normalised.empty()) return std::nullopt;
        const auto exact = exact_.find(normalised);
        if (exact != exact_.end()) return exact->second;
        const auto padded = " " + normalised + " ";
        const Phrase* best = nullptr;
        for (const auto& phrase : phrases_) {
            if ((!best || phrase.length > best->length) && padded.find(phrase.padded) != std::string::npos) {
                best = &phrase;
            }
        }
        return best ? std::optional<std::string>(best->field) : std::nullopt;
    }

    std::unordered_map<std::string, std::string> exact_;
    std::vector<Phrase> phrases_;
    mutable std::unordered_map<std::string, std::optional<std::string>> memo_;
};

bool has_field(const ColumnMap& map, const std::string& field) {
    return std::any_of(map.fields.begin(), map.fields.end(), [&](const auto& entry) { return entry.second == field; });
}

bool identifies_person(const ColumnMap& map) {
    return has_field(map, "trainee_id") || has_field(map, "trainee_name") || has_field(map, "name") ||
           has_field(map, "last_name") || has_field(map, "mentor_name");
}

// Maps the header cells of one row to fields by their synonyms, each field once.
ColumnMap map_header_row(const Table& table, std::size_t row, const HeaderFields& fields) {
    ColumnMap map;
    map.header_row = row;
    for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
        const auto& cell = table.rows[row][column];
        if (cell.type != CellType::text) continue;
        const auto& field = fields.field_of(cell.text);
        if (field && !has_field(map, *field)) map.fields[column] = *field;
    }
    return map;
}

// Picks the header row: the row among the first rows with the most distinct
// recognised fields, at least two, one of which identifies a person.
std::optional<ColumnMap> find_header(const Table& table, const HeaderFields& fields) {
    std::optional<ColumnMap> best;
    std::size_t best_score = 1;
    const auto rows = std::min(table.rows.size(), header_search_rows);
    for (std::size_t row = 0; row < rows; ++row) {
        auto candidate = map_header_row(table, row, fields);
        if (identifies_person(candidate) && candidate.fields.size() > best_score) {
            best_score = candidate.fields.size();
            best = std::move(candidate);
        }
    }
    return best;
}

std::string file_name_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool pin_applies(const RegisterPin& pin, const Document& document, const Table& table) {
    const bool whole_path = pin.file.find('/') != std::string::npos;
    const auto subject = whole_path ? document.path : file_name_of(document.path);
    if (fnmatch(pin.file.c_str(), subject.c_str(), FNM_CASEFOLD) != 0) return false;
    return pin.table.empty() || normalise_header(pin.table) == normalise_header(table.name);
}

// Returns the text cells of a row, quoted and joined, for a message that lists headers.
std::string quoted_cells(const Table& table, std::size_t row) {
    std::string text;
    for (const auto& cell : table.rows[row]) {
        if (cell.type != CellType::text || cell.text.empty()) continue;
        text += (text.empty() ? "'" : ", '") + cell.text + "'";
    }
    return text.empty() ? "none" : text;
}

// Returns the row among the first rows with the most non-empty text cells.
std::size_t likeliest_header_row(const Table& table) {
    std::size_t best_row = 0;
    std::size_t best_count = 0;
    for (std::size_t row = 0; row < std::min(table.rows.size(), header_search_rows); ++row) {
        const auto count = static_cast<std::size_t>(std::count_if(
            table.rows[row].begin(), table.rows[row].end(),
            [](const Cell& cell) { return cell.type == CellType::text && !cell.text.empty(); }));
        if (count > best_count) {
            best_count = count;
            best_row = row;
        }
    }
    return best_row;
}

std::optional<std::size_t> letter_column(const std::string& letters, const Table& table) {
    if (letters.empty() || letters.size() > 3 ||
        !std::all_of(letters.begin(), letters.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        return std::nullopt;
    }
    int number = 0;
    for (const char c : letters) number = number * 26 + (c - 'A' + 1);
    const int column = number - 1 - table.first_column;
    if (column < 0) return std::nullopt;
    return static_cast<std::size_t>(column);
}

std::optional<std::size_t> header_column(const std::string& header, const Table& table, std::size_t row) {
    const auto expected = normalise_header(header);
    for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
        const auto& cell = table.rows[row][column];
        if (cell.type == CellType::text && normalise_header(cell.text) == expected) return column;
    }
    return std::nullopt;
}

struct PinnedHeader {
    std::optional<ColumnMap> map;
    std::string problem;   // why the pin could not be applied, when map is empty
};

// Finds the header row a pin means: the row it names, else the row holding
// most of its pinned headers, else the row the synonyms find.
std::optional<std::size_t> pinned_header_row(const RegisterPin& pin, const Table& table,
                                             const HeaderFields& fields) {
    if (pin.header_row > 0) {
        const auto row = pin.header_row - 1 - table.first_row;
        if (row < 0 || static_cast<std::size_t>(row) >= table.rows.size()) return std::nullopt;
        return static_cast<std::size_t>(row);
    }
    std::optional<std::size_t> best;
    std::size_t best_count = 0;
    for (std::size_t row = 0; row < std::min(table.rows.size(), header_search_rows); ++row) {
        std::size_t count = 0;
        for (const auto& [field, column] : pin.columns) {
            if (!letter_column(column, table) && header_column(column, table, row)) ++count;
        }
        if (count > best_count) {
            best_count = count;
            best = row;
        }
    }
    if (best) return best;
    if (const auto found = find_header(table, fields)) return found->header_row;
    return table.rows.empty() ? std::nullopt : std::optional<std::size_t>(likeliest_header_row(table));
}

PinnedHeader apply_pin(const RegisterPin& pin, const Table& table, const HeaderFields& fields) {
    const auto where = "the register pinned at " + pin.position;
    const auto row = pinned_header_row(pin, table, fields);
    if (!row) {
        return {std::nullopt, where + " names header_row " + std::to_string(pin.header_row) +
                                  ", which is outside the table; set `header_row:` to the row that holds the headers"};
    }
    auto map = map_header_row(table, *row, fields);
    for (const auto& [field, column_text] : pin.columns) {
        auto column = letter_column(column_text, table);
        if (!column) column = header_column(column_text, table, *row);
        if (!column) {
            return {std::nullopt, where + " names column '" + column_text + "' for " + field +
                                      ", which is not among the headers found (" + quoted_cells(table, *row) +
                                      "); set `columns: " + field + ":` to one of them or to a column letter"};
        }
        for (auto entry = map.fields.begin(); entry != map.fields.end();) {
            entry = entry->second == field ? map.fields.erase(entry) : std::next(entry);
        }
        map.fields[*column] = field;
    }
    if (!identifies_person(map)) {
        return {std::nullopt, where + " has no column for a trainee id or name (headers found: " +
                                  quoted_cells(table, *row) + "); add `trainee_id:` or `trainee_name:` under `columns:`"};
    }
    return {map, ""};
}

std::string subject_of(const std::string& field, const std::vector<FieldSynonyms>& fields) {
    for (const auto& entry : fields) {
        if (entry.field == field) return entry.subject;
    }
    return "trainee";
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

const Cell* cell_at(const Table& table, std::size_t row, std::size_t column) {
    if (row >= table.rows.size() || column >= table.rows[row].size()) return nullptr;
    return &table.rows[row][column];
}

std::string column_text(const Table& table, std::size_t row, const ColumnMap& map, const std::string& field) {
    for (const auto& [column, name] : map.fields) {
        if (name != field) continue;
        const auto* cell = cell_at(table, row, column);
        return cell ? trimmed(cell->text) : "";
    }
    return "";
}

// One list of people (trainees, mentors or schools) with maps by id and by
// normalised name, so that joining thousands of register rows does not scan
// the whole list for each row.
class People {
public:
    explicit People(std::vector<Person>& people) : people_(people) {}

    // Returns the person with `id`, else the first person named `name` where
    // that person's id or `id` is empty, else a new person. Fills in an id
    // or name the person lacked.
    Person& find_or_add(const std::string& id, const std::string& name) {
        const auto key = normalise_header(name);
        auto index = find(id, key);
        if (!index) {
            index = people_.size();
            people_.push_back(Person{"", "", {}});
        }
        auto& person = people_[*index];
        if (person.id.empty() && !id.empty()) {
            person.id = id;
            by_id_.emplace(id, *index);
        }
        if (person.name.empty() && !name.empty()) {
            person.name = name;
            if (!key.empty()) by_name_[key].push_back(*index);
        }
        return person;
    }

private:
    std::optional<std::size_t> find(const std::string& id, const std::string& key) const {
        if (!id.empty()) {
            if (const auto found = by_id_.find(id); found != by_id_.end()) return found->second;
        }
        if (key.empty()) return std::nullopt;
        const auto named = by_name_.find(key);
        if (named == by_name_.end()) return std::nullopt;
        for (const auto index : named->second) {
            if (id.empty() || people_[index].id.empty()) return index;
        }
        return std::nullopt;
    }

    std::vector<Person>& people_;
    std::unordered_map<std::string, std::size_t> by_id_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
};

bool facts_agree(const Fact& a, const Fact& b) {
    if (a.value.type == CellType::number && b.value.type == CellType::number) return a.value.number == b.value.number;
    return normalise_header(a.value.text) == normalise_header(b.value.text);
}

void report_disagreements(const Person& trainee, std::vector<Disagreement>& disagreements) {
    for (const auto& [field, facts] : trainee.fields) {
        if (field == "register_row") continue;
        // A file with several rows for one trainee is a log (one row a week),
        // whose rows are not a register's single value to compare.
        const auto rows_in = [&](const std::string& path) {
            return std::count_if(facts.begin(), facts.end(), [&](const Fact& fact) { return fact.evidence.path == path; });
        };
        if (rows_in(facts[0].evidence.path) > 1) continue;
        for (std::size_t i = 1; i < facts.size(); ++i) {
            if (facts[i].evidence.path == facts[0].evidence.path || facts_agree(facts[0], facts[i])) continue;
            if (rows_in(facts[i].evidence.path) > 1) continue;
            Finding finding;
            finding.status = Status::review;
            finding.subject = trainee.id.empty() ? trainee.name : trainee.id;
            finding.message = "registers disagree on " + field + ": '" + facts[0].value.text + "' at " +
                              facts[0].evidence.location + " and '" + facts[i].value.text + "' at " +
                              facts[i].evidence.location + "; correct one of them";
            finding.evidence = {facts[0].evidence, facts[i].evidence};
            disagreements.push_back({field, std::move(finding)});
        }
    }
}

class CohortBuilder {
public:
    explicit CohortBuilder(const LoadedRulePack& rules)
        : rules_(rules), fields_(rules.fields()), header_fields_(fields_), pin_used_(rules.registers().size(), false) {}

    // Reads every table of a document. A workbook named as a register whose
    // tables all fail to match is reported once, for its likeliest sheet.
    void read_document(const Document& document) {
        const auto registers_before = cohort_.registers.size();
        std::optional<Finding> unrecognised;
        for (const auto& table : document.tables) {
            if (read_table(document, table) || unrecognised) continue;
            unrecognised = unrecognised_register(document, table);
        }
        if (unrecognised && cohort_.registers.size() == registers_before) {
            cohort_.problems.push_back(std::move(*unrecognised));
        }
    }

private:
    // Reads one table as a register. Returns false when its headers are not
    // recognised; a pin that fails is reported here and counts as read.
    bool read_table(const Document& document, const Table& table) {
        if (table.rows.empty()) return false;
        std::optional<ColumnMap> map;
        const auto& pins = rules_.registers();
        const auto pin = std::find_if(pins.begin(), pins.end(),
                                      [&](const auto& p) { return pin_applies(p, document, table); });
        if (pin != pins.end()) {
            pin_used_[static_cast<std::size_t>(pin - pins.begin())] = true;
            auto pinned = apply_pin(*pin, table, header_fields_);
            if (!pinned.map) {
                cohort_.problems.push_back(
                    Finding{Status::error, "", pinned.problem, {Evidence{document.path, table.name}}});
                return true;
            }
            map = std::move(pinned.map);
        } else {
            map = find_header(table, header_fields_);
        }
        if (!map) return false;
        const bool lists_trainees = has_field(*map, "trainee_id") || has_field(*map, "trainee_name") ||
                                    std::any_of(map->fields.begin(), map->fields.end(), [&](const auto& entry) {
                                        return entry.second != "mentor_name" &&
                                               subject_of(entry.second, fields_) == "trainee";
                                    });
        Register found;
        found.path = document.path;
        found.table = table.name;
        found.kind = lists_trainees ? "trainees" : "mentors";
        for (const auto& [column, field] : map->fields) {
            found.columns[resolve(field, lists_trainees)] = table.rows[map->header_row][column].text;
        }
        cohort_.registers.push_back(found);

        for (std::size_t row = map->header_row + 1; row < table.rows.size(); ++row) {
            if (lists_trainees) {
                read_trainee_row(document, table, row, *map);
            } else {
                read_mentor_row(document, table, row, *map);
            }
        }
        return true;
    }

public:
    Cohort finish() {
        const auto& pins = rules_.registers();
        for (std::size_t i = 0; i < pins.size(); ++i) {
            if (pin_used_[i]) continue;
            cohort_.problems.push_back(Finding{
                Status::review, "",
                "the register pinned at " + pins[i].position + " matches no table in the export (file '" +
                    pins[i].file + "'" + (pins[i].table.empty() ? "" : ", table '" + pins[i].table + "'") +
                    "); correct `file:` or `table:` to the register's file name and sheet",
                {}});
        }
        for (const auto& trainee : cohort_.trainees) {
            report_disagreements(trainee, cohort_.disagreements);
            const auto found = trainee.fields.find("placement_school");
            if (found == trainee.fields.end()) continue;
            for (const auto& fact : found->second) {
                const auto name = trimmed(fact.value.text);
                if (name.empty()) continue;
                schools_.find_or_add("", name).fields["named_by"].push_back(fact);
            }
        }
        return std::move(cohort_);
    }

private:
    // Returns a finding for a spreadsheet named as a register whose headers
    // match no synonyms, listing the headers found and how to pin them.
    std::optional<Finding> unrecognised_register(const Document& document, const Table& table) const {
        const bool spreadsheet = table.is_sheet || document.kind == "csv";
        if (!spreadsheet || table.rows.empty()) return std::nullopt;
        const auto names = rules_.patterns("registers.file_names");
        const auto file_name = file_name_of(document.path);
        const bool named_as_register = std::any_of(names.begin(), names.end(), [&](const auto& pattern) {
            return rules_.matches(pattern, file_name) || rules_.matches(pattern, table.name);
        });
        if (!named_as_register) return std::nullopt;
        const auto row = likeliest_header_row(table);
        if (table.rows.size() < row + 2) return std::nullopt;
        return Finding{
            Status::review, "",
            "register not recognised: no header matches a trainee id or name and another known column (headers "
            "found: " + quoted_cells(table, row) + "); to read it, pin its columns in a rules file under "
            "`registers:` with `file: \"" + file_name + "\"`, `table: \"" + table.name +
            "\"` and `columns:` (e.g. `trainee_id: \"<header>\"`), then scan with --rules FOLDER",
            {Evidence{document.path, table.location(row, 0)}}};
    }

    // Gives the generic name and school columns the meaning the table's kind implies.
    static std::string resolve(const std::string& field, bool lists_trainees) {
        if (field == "name") return lists_trainees ? "trainee_name" : "mentor_name";
        if (field == "school") return lists_trainees ? "placement_school" : "mentor_school";
        return field;
    }

    std::string row_name(const Table& table, std::size_t row, const ColumnMap& map, bool lists_trainees) const {
        auto name = column_text(table, row, map, lists_trainees ? "trainee_name" : "mentor_name");
        if (name.empty()) name = column_text(table, row, map, "name");
        if (name.empty()) {
            const auto first = column_text(table, row, map, "first_name");
            const auto last = column_text(table, row, map, "last_name");
            name = trimmed(first + " " + last);
        }
        return name;
    }

    void add_facts(Person& person, const Document& document, const Table& table, std::size_t row,
                   const ColumnMap& map, bool lists_trainees) {
        for (const auto& [column, field] : map.fields) {
            const auto* cell = cell_at(table, row, column);
            if (!cell || cell->type == CellType::empty || trimmed(cell->text).empty()) continue;
            const auto canonical = resolve(field, lists_trainees);
            if (canonical == "trainee_id" || canonical == "trainee_name" || canonical == "first_name" ||
                canonical == "last_name") {
                continue;
            }
            if (!lists_trainees && canonical == "mentor_name") continue;
            person.fields[canonical].push_back(Fact{*cell, Evidence{document.path, table.location(row, column)}});
        }
    }

    void read_trainee_row(const Document& document, const Table& table, std::size_t row, const ColumnMap& map) {
        const auto id = column_text(table, row, map, "trainee_id");
        const auto name = row_name(table, row, map, true);
        if (id.empty() && name.empty()) return;
        auto& trainee = trainees_.find_or_add(id, name);
        trainee.fields["register_row"].push_back(
            Fact{Cell{CellType::text, name, 0, false}, Evidence{document.path, table.location(row, 0)}});
        add_facts(trainee, document, table, row, map, true);
    }

    void read_mentor_row(const Document& document, const Table& table, std::size_t row, const ColumnMap& map) {
        const auto name = row_name(table, row, map, false);
        if (name.empty()) return;
        auto& mentor = mentors_.find_or_add("", name);
        mentor.fields["register_row"].push_back(
            Fact{Cell{CellType::text, name, 0, false}, Evidence{document.path, table.location(row, 0)}});
        add_facts(mentor, document, table, row, map, false);
    }

    const LoadedRulePack& rules_;
    const std::vector<FieldSynonyms>& fields_;
    HeaderFields header_fields_;
    std::vector<bool> pin_used_;
    Cohort cohort_;
    People trainees_{cohort_.trainees};
    People mentors_{cohort_.mentors};
    People schools_{cohort_.schools};
};

}  // namespace

bool same_name(const std::string& a, const std::string& b) {
    const auto left = normalise_header(a);
    return !left.empty() && left == normalise_header(b);
}

Cohort build_cohort(const EvidenceIndex& index, const LoadedRulePack& rules) {
    CohortBuilder builder(rules);
    for (const auto& document : index.documents()) {
        builder.read_document(document);
    }
    return builder.finish();
}

}  // namespace iqts::host
