#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "iqts/cohort.hpp"
#include "iqts/finding.hpp"
#include "iqts/index.hpp"
#include "iqts/rules.hpp"

namespace iqts::host {

struct CriterionDefinition {
    std::string id;          // "C1.3"
    int part = 0;            // 1 entry, 2 training, 3 management and quality assurance
    std::string title;       // "English language proficiency"
    std::string statement;   // what must hold, paraphrased from the criteria
};

struct CriterionResult {
    CriterionDefinition criterion;
    Status status = Status::missing;     // the worst status of its findings
    std::vector<Finding> findings;
    std::vector<std::string> checks;     // names of the checks that ran for it
};

// One item of the evidence the framework expects three weeks before the event.
struct EvidenceItem {
    std::string item;                    // "mentor training curriculum"
    Status status = Status::missing;     // pass when found, missing otherwise
    std::vector<std::string> paths;
};

struct GridRow {
    std::string criterion;
    std::string title;
    std::string link;
    std::string status;                  // resolved or broken
    std::string resolved_path;
    std::vector<std::string> candidates; // closest paths for a broken link
    std::string location;                // where the row sits in the grid file
    std::string reason;                  // why a broken link could not be resolved
};

struct Grid {
    std::string path;                    // empty when no grid was found
    std::vector<GridRow> rows;
    std::vector<std::string> empty_criteria;   // criteria with no evidence row
    std::string folder;                  // the "iQTS inspection – MONTH YEAR" folder, empty when none
    std::string folder_message;          // why the folder convention is not followed; empty when it is
};

// A file last modified after the evidence due date.
struct LateFile {
    std::string path;
    std::string modified;                // ISO 8601
    std::string source;                  // "file system", "archive entry" or "document property"
};

// When the evidence is due, from --inspection-date: 21 days before the
// inspection, as the inspection framework requires.
struct Deadline {
    std::string inspection_date;         // YYYY-MM-DD; empty when not given
    std::string due_date;                // YYYY-MM-DD
    int days_left = 0;                   // from today to the due date; negative when late
    std::vector<LateFile> late_files;
};

// A threshold the checks used, so that a report says which values were in force.
struct SettingInForce {
    std::string key;
    Setting setting;
};

struct PluginRecord {
    std::string path;
    std::string name;
    std::string version;
    std::vector<std::string> criteria;
    std::string status;                  // loaded or rejected
    std::string reason;                  // why it was rejected
};

struct Report {
    std::string tool_version;
    std::vector<std::string> export_paths;
    std::vector<CriterionResult> criteria;     // in C1.1 .. C3.4 order, then any others
    std::vector<EvidenceItem> evidence;
    Grid grid;
    Deadline deadline;
    std::vector<FileRecord> files;
    std::vector<SettingInForce> settings;
    std::vector<PluginRecord> plugins;
    std::vector<Register> registers;           // the registers the cohort was read from
    std::vector<Finding> register_problems;    // registers named as such but not read, and unused pins

    // Returns 1 when any criterion fails or is missing (or a check failed to
    // run), 0 otherwise.
    int exit_status() const;
    int unreadable_count() const;
};

// Writes the JSON report that `schemas/report.schema.json` describes.
void write_json(const Report& report, std::ostream& out);

// Writes the text report: grouped by Part, one line per criterion with its
// findings beneath. `colour` adds ANSI colours for a terminal.
void write_text(const Report& report, std::ostream& out, bool colour);

}  // namespace iqts::host
