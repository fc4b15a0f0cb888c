#include "iqts/host/cohort_builder.hpp"

#include <algorithm>
#include <optional>

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

bool contains_words(const std::string& header, const std::string& synonym) {
    const auto padded_header = " " + header + " ";
    return padded_header.find(" " + synonym + " ") != std::string::npos;
}

// Returns the field a header cell names: an exact synonym first, otherwise
// the longest synonym of two or more words that the header contains.
std::optional<std::string> match_field(const std::string& header, const std::vector<FieldSynonyms>& fields) {
    const auto normalised = normalise_header(header);
    if (normalised.empty()) return std::nullopt;
    for (const auto& field : fields) {
        for (const auto& synonym : field.synonyms) {
            if (synonym == normalised) return field.field;
        }
    }
    std::optional<std::string> best;
    std::size_t best_length = 0;
    for (const auto& field : fields) {
        for (const auto& synonym : field.synonyms) {
            if (word_count(synonym) >= 2 && synonym.size() > best_length && contains_words(normalised, synonym)) {
                best = field.field;
                best_length = synonym.size();
            }
        }
    }
    return best;
}

bool has_field(const ColumnMap& map, const std::string& field) {
    return std::any_of(map.fields.begin(), map.fields.end(), [&](const auto& entry) { return entry.second == field; });
}

// Picks the header row: the row among the first rows with the most distinct
// recognised fields, at least two, one of which identifies a person.
std::optional<ColumnMap> find_header(const Table& table, const std::vector<FieldSynonyms>& fields) {
    std::optional<ColumnMap> best;
    std::size_t best_score = 1;
    const auto rows = std::min(table.rows.size(), header_search_rows);
    for (std::size_t row = 0; row < rows; ++row) {
        ColumnMap candidate;
        candidate.header_row = row;
        std::vector<std::string> seen;
        for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
            const auto& cell = table.rows[row][column];
            if (cell.type != CellType::text) continue;
            const auto field = match_field(cell.text, fields);
            if (!field || std::find(seen.begin(), seen.end(), *field) != seen.end()) continue;
            seen.push_back(*field);
            candidate.fields[column] = *field;
        }
        const bool identifies = has_field(candidate, "trainee_id") || has_field(candidate, "trainee_name") ||
                                has_field(candidate, "name") || has_field(candidate, "last_name") ||
                                has_field(candidate, "mentor_name");
        if (identifies && seen.size() > best_score) {
            best = candidate;
            best_score = seen.size();
        }
    }
    return best;
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

Person* find_person(std::vector<Person>& people, const std::string& id, const std::string& name) {
    if (!id.empty()) {
        for (auto& person : people) {
            if (person.id == id) return &person;
        }
    }
    if (!name.empty()) {
        for (auto& person : people) {
            if (same_name(person.name, name) && (id.empty() || person.id.empty())) return &person;
        }
    }
    return nullptr;
}

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
    explicit CohortBuilder(const LoadedRulePack& rules) : fields_(rules.fields()) {}

    void read_table(const Document& document, const Table& table) {
        const auto map = find_header(table, fields_);
        if (!map) return;
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
    }

    Cohort finish() {
        for (const auto& trainee : cohort_.trainees) {
            report_disagreements(trainee, cohort_.disagreements);
            const auto found = trainee.fields.find("placement_school");
            if (found == trainee.fields.end()) continue;
            for (const auto& fact : found->second) {
                const auto name = trimmed(fact.value.text);
                if (name.empty()) continue;
                auto* school = find_person(cohort_.schools, "", name);
                if (!school) {
                    cohort_.schools.push_back(Person{"", name, {}});
                    school = &cohort_.schools.back();
                }
                school->fields["named_by"].push_back(fact);
            }
        }
        return std::move(cohort_);
    }

private:
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
        auto* trainee = find_person(cohort_.trainees, id, name);
        if (!trainee) {
            cohort_.trainees.push_back(Person{id, name, {}});
            trainee = &cohort_.trainees.back();
        }
        if (trainee->id.empty()) trainee->id = id;
        if (trainee->name.empty()) trainee->name = name;
        trainee->fields["register_row"].push_back(
            Fact{Cell{CellType::text, name, 0, false}, Evidence{document.path, table.location(row, 0)}});
        add_facts(*trainee, document, table, row, map, true);
    }

    void read_mentor_row(const Document& document, const Table& table, std::size_t row, const ColumnMap& map) {
        const auto name = row_name(table, row, map, false);
        if (name.empty()) return;
        auto* mentor = find_person(cohort_.mentors, "", name);
        if (!mentor) {
            cohort_.mentors.push_back(Person{"", name, {}});
            mentor = &cohort_.mentors.back();
        }
        mentor->fields["register_row"].push_back(
            Fact{Cell{CellType::text, name, 0, false}, Evidence{document.path, table.location(row, 0)}});
        add_facts(*mentor, document, table, row, map, false);
    }

    const std::vector<FieldSynonyms>& fields_;
    Cohort cohort_;
};

}  // namespace

bool same_name(const std::string& a, const std::string& b) {
    const auto left = normalise_header(a);
    return !left.empty() && left == normalise_header(b);
}

Cohort build_cohort(const EvidenceIndex& index, const LoadedRulePack& rules) {
    CohortBuilder builder(rules);
    for (const auto& document : index.documents()) {
        for (const auto& table : document.tables) builder.read_table(document, table);
    }
    return builder.finish();
}

}  // namespace iqts::host
