#pragma once

#include <map>
#include <string>
#include <vector>

#include "iqts/document.hpp"
#include "iqts/finding.hpp"

namespace iqts {

// One value a register gives for one field of one person, with its cell.
struct Fact {
    Cell value;
    Evidence evidence;
};

// A trainee, mentor or school and every value the registers give for it,
// keyed by canonical field name ("ielts_overall", "placement_school").
// A field holds several facts when several registers carry it.
struct Person {
    std::string id;
    std::string name;
    std::map<std::string, std::vector<Fact>> fields;

    // Returns the first fact of `field`, or nullptr when no register has it.
    const Fact* first(const std::string& field) const {
        const auto found = fields.find(field);
        if (found == fields.end() || found->second.empty()) return nullptr;
        return &found->second.front();
    }
};

// A register found by header matching: which file and table, and which
// columns were taken for which canonical fields.
struct Register {
    std::string path;
    std::string table;
    std::string kind;                               // trainees, mentors, placements, schools
    std::map<std::string, std::string> columns;     // canonical field -> header as written
};

// Two registers that give different values for one field of one trainee:
// the canonical field and a `review` finding that names both places.
struct Disagreement {
    std::string field;
    Finding finding;
};

struct Cohort {
    std::vector<Person> trainees;
    std::vector<Person> mentors;
    std::vector<Person> schools;       // every placement school named anywhere
    std::vector<Register> registers;
    std::vector<Finding> problems;     // registers that could not be read as expected
    std::vector<Disagreement> disagreements;
};

}  // namespace iqts
