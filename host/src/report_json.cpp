#include <string>
#include <vector>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "iqts/host/report.hpp"
#include "json_output.hpp"
#include "report_summary.hpp"

namespace iqts::host {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using report_detail::to_valid_utf8;

// Keys keep the order in which they are set, so that the output is stable and
// reads in the order the schema lists them.
Object::Ptr make_object() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::string text(std::string_view value) {
    return to_valid_utf8(value);
}

std::string text(Status status) {
    return std::string(to_string(status));
}

// Returns JSON null for an empty string, for fields where "absent" and
// "empty" mean the same.
Poco::Dynamic::Var text_or_null(const std::string& value) {
    if (value.empty()) {
        return {};
    }
    return text(value);
}

Array::Ptr string_array(const std::vector<std::string>& values) {
    Array::Ptr array = new Array();
    for (const std::string& value : values) {
        array->add(text(value));
    }
    return array;
}

Object::Ptr tool_object(const Report& report) {
    Object::Ptr tool = make_object();
    tool->set("name", "iqts-scan");
    tool->set("version", report.tool_version.empty() ? std::string(IQTS_VERSION) : text(report.tool_version));
    return tool;
}

Object::Ptr export_object(const Report& report) {
    const report_detail::FileCounts files = report_detail::count_export_files(report);

    Object::Ptr object = make_object();
    object->set("paths", string_array(report.export_paths));
    object->set("files", files.total());
    object->set("read", files.read);
    object->set("archives", files.archives);
    object->set("unreadable", files.unreadable);
    object->set("skipped", files.skipped);
    return object;
}

Object::Ptr summary_object(const Report& report) {
    const report_detail::StatusCounts counts = report_detail::count_criteria(report);
    Object::Ptr by_status = make_object();
    for (Status status : report_detail::kStatusOrder) {
        by_status->set(text(status), counts[status]);
    }

    Object::Ptr summary = make_object();
    summary->set("status", text(report_detail::overall_status(report)));
    summary->set("counts", by_status);
    return summary;
}

Object::Ptr finding_object(const Finding& finding) {
    Array::Ptr evidence = new Array();
    for (const Evidence& item : finding.evidence) {
        Object::Ptr place = make_object();
        place->set("path", text(item.path));
        place->set("location", text(item.location));
        evidence->add(place);
    }

    Object::Ptr object = make_object();
    object->set("status", text(finding.status));
    object->set("subject", text(finding.subject));
    object->set("message", text(finding.message));
    object->set("evidence", evidence);
    return object;
}

Array::Ptr criteria_array(const Report& report) {
    Array::Ptr criteria = new Array();
    for (const CriterionResult& result : report.criteria) {
        Array::Ptr findings = new Array();
        for (const Finding& finding : result.findings) {
            findings->add(finding_object(finding));
        }

        Object::Ptr object = make_object();
        object->set("id", text(result.criterion.id));
        object->set("part", result.criterion.part);
        object->set("title", text(result.criterion.title));
        object->set("status", text(result.status));
        object->set("checks", string_array(result.checks));
        object->set("findings", findings);
        criteria->add(object);
    }
    return criteria;
}

Array::Ptr evidence_array(const Report& report) {
    Array::Ptr evidence = new Array();
    for (const EvidenceItem& item : report.evidence) {
        Object::Ptr object = make_object();
        object->set("item", text(item.item));
        object->set("status", text(item.status));
        object->set("paths", string_array(item.paths));
        evidence->add(object);
    }
    return evidence;
}

Object::Ptr grid_object(const Report& report) {
    Array::Ptr rows = new Array();
    for (const GridRow& row : report.grid.rows) {
        Object::Ptr object = make_object();
        object->set("criterion", text(row.criterion));
        object->set("title", text(row.title));
        object->set("link", text(row.link));
        object->set("status", text(row.status));
        object->set("resolved_path", text_or_null(row.resolved_path));
        object->set("candidates", string_array(row.candidates));
        object->set("location", text(row.location));
        object->set("reason", text(row.reason));
        rows->add(object);
    }

    Object::Ptr grid = make_object();
    grid->set("path", text_or_null(report.grid.path));
    grid->set("rows", rows);
    grid->set("empty_criteria", string_array(report.grid.empty_criteria));
    grid->set("folder", text_or_null(report.grid.folder));
    grid->set("folder_message", text(report.grid.folder_message));
    return grid;
}

Poco::Dynamic::Var deadline_value(const Report& report) {
    const Deadline& deadline = report.deadline;
    if (deadline.inspection_date.empty()) return Poco::Dynamic::Var();
    Array::Ptr late = new Array();
    for (const LateFile& file : deadline.late_files) {
        Object::Ptr object = make_object();
        object->set("path", text(file.path));
        object->set("modified", text(file.modified));
        object->set("source", text(file.source));
        late->add(object);
    }
    Object::Ptr object = make_object();
    object->set("inspection_date", text(deadline.inspection_date));
    object->set("due_date", text(deadline.due_date));
    object->set("days_left", deadline.days_left);
    object->set("late_files", late);
    return object;
}

Array::Ptr files_array(const Report& report) {
    Array::Ptr files = new Array();
    for (const FileRecord& file : report.files) {
        Object::Ptr object = make_object();
        object->set("path", text(file.path));
        object->set("kind", text(file.kind));
        object->set("status", std::string(to_string(file.status)));
        object->set("reason", text(file.reason));
        object->set("size", file.size);
        object->set("modified", text_or_null(file.modified));
        files->add(object);
    }
    return files;
}

Array::Ptr settings_array(const Report& report) {
    Array::Ptr settings = new Array();
    for (const SettingInForce& entry : report.settings) {
        Object::Ptr object = make_object();
        object->set("key", text(entry.key));
        object->set("value", text(entry.setting.value));
        object->set("unit", text(entry.setting.unit));
        object->set("source", text(entry.setting.source));
        settings->add(object);
    }
    return settings;
}

Array::Ptr plugins_array(const Report& report) {
    Array::Ptr plugins = new Array();
    for (const PluginRecord& plugin : report.plugins) {
        Object::Ptr object = make_object();
        object->set("path", text(plugin.path));
        object->set("name", text(plugin.name));
        object->set("version", text(plugin.version));
        object->set("criteria", string_array(plugin.criteria));
        object->set("status", text(plugin.status));
        object->set("reason", text(plugin.reason));
        plugins->add(object);
    }
    return plugins;
}

Object::Ptr registers_object(const Report& report) {
    Array::Ptr read = new Array();
    for (const Register& found : report.registers) {
        Object::Ptr columns = make_object();
        for (const auto& [field, header] : found.columns) columns->set(field, text(header));
        Object::Ptr object = make_object();
        object->set("path", text(found.path));
        object->set("table", text(found.table));
        object->set("kind", text(found.kind));
        object->set("columns", columns);
        read->add(object);
    }
    Array::Ptr problems = new Array();
    for (const Finding& problem : report.register_problems) problems->add(finding_object(problem));
    Object::Ptr object = make_object();
    object->set("read", read);
    object->set("problems", problems);
    return object;
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
    Object::Ptr root = make_object();
    root->set("schema_version", 1);
    root->set("tool", tool_object(report));
    root->set("export", export_object(report));
    root->set("summary", summary_object(report));
    root->set("criteria", criteria_array(report));
    root->set("evidence", evidence_array(report));
    root->set("grid", grid_object(report));
    root->set("deadline", deadline_value(report));
    root->set("files", files_array(report));
    root->set("settings", settings_array(report));
    root->set("plugins", plugins_array(report));
    root->set("registers", registers_object(report));

    // Without JSON_ESCAPE_UNICODE, Poco 1.11 writes non-ASCII characters as
    // UTF-8 and escapes only quotes, backslashes and control characters.
    report_detail::write_indented(*root, out);
}

}  // namespace iqts::host
