#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/prettywriter.h>

#include "iqts/host/report.hpp"
#include "report_summary.hpp"

namespace iqts::host {
namespace {

using report_detail::to_valid_utf8;

// The output stream RapidJSON's writer needs: it collects characters and
// passes them on to `out` in pieces of 64 KiB, so that a large report costs
// few write calls and no copy of the whole text.
class ChunkedOutput {
public:
    using Ch = char;

    explicit ChunkedOutput(std::ostream& out) : out_(out) { buffer_.reserve(capacity); }

    void Put(char c) {
        buffer_ += c;
        if (buffer_.size() >= capacity) Flush();
    }

    void Flush() {
        out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        buffer_.clear();
    }

private:
    static constexpr std::size_t capacity = 64 * 1024;

    std::ostream& out_;
    std::string buffer_;
};

// A JSON writer that writes each value as it comes, without a document tree,
// so that a report of many thousand findings needs no memory beyond itself.
class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out) : output_(out), writer_(output_) { writer_.SetIndent(' ', 2); }

    void key(std::string_view name) { writer_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size())); }

    // Writes `value` made valid UTF-8.
    void text(std::string_view value) {
        const auto valid = to_valid_utf8(value);
        writer_.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
    }

    void text(Status status) { text(to_string(status)); }

    // Writes JSON null for an empty string, for fields where "absent" and
    // "empty" mean the same.
    void text_or_null(const std::string& value) {
        if (value.empty()) {
            writer_.Null();
        } else {
            text(value);
        }
    }

    void number(long long value) { writer_.Int64(value); }

    void null() { writer_.Null(); }

    void field(std::string_view name, std::string_view value) {
        key(name);
        text(value);
    }

    void field(std::string_view name, Status status) {
        key(name);
        text(status);
    }

    void field(std::string_view name, long long value) {
        key(name);
        number(value);
    }

    void begin_object() { writer_.StartObject(); }
    void end_object() { writer_.EndObject(); }
    void begin_array() { writer_.StartArray(); }
    void end_array() { writer_.EndArray(); }

    void string_array(std::string_view name, const std::vector<std::string>& values) {
        key(name);
        begin_array();
        for (const std::string& value : values) text(value);
        end_array();
    }

    // Ends the document with a newline and passes the rest of it on.
    void finish() {
        output_.Put('\n');
        output_.Flush();
    }

private:
    ChunkedOutput output_;
    rapidjson::PrettyWriter<ChunkedOutput> writer_;
};

void write_tool(JsonWriter& json, const Report& report) {
    json.key("tool");
    json.begin_object();
    json.field("name", "iqts-scan");
    json.field("version", report.tool_version.empty() ? std::string_view(IQTS_VERSION) : report.tool_version);
    json.end_object();
}

void write_export(JsonWriter& json, const Report& report) {
    const report_detail::FileCounts files = report_detail::count_export_files(report);
    json.key("export");
    json.begin_object();
    json.string_array("paths", report.export_paths);
    json.field("files", static_cast<long long>(files.total()));
    json.field("read", static_cast<long long>(files.read));
    json.field("archives", static_cast<long long>(files.archives));
    json.field("unreadable", static_cast<long long>(files.unreadable));
    json.field("skipped", static_cast<long long>(files.skipped));
    json.end_object();
}

void write_summary(JsonWriter& json, const Report& report) {
    const report_detail::StatusCounts counts = report_detail::count_criteria(report);
    json.key("summary");
    json.begin_object();
    json.field("status", report_detail::overall_status(report));
    json.key("counts");
    json.begin_object();
    for (Status status : report_detail::kStatusOrder) json.field(to_string(status), static_cast<long long>(counts[status]));
    json.end_object();
    json.end_object();
}

void write_finding(JsonWriter& json, const Finding& finding) {
    json.begin_object();
    json.field("status", finding.status);
    json.field("subject", finding.subject);
    json.field("message", finding.message);
    json.key("evidence");
    json.begin_array();
    for (const Evidence& item : finding.evidence) {
        json.begin_object();
        json.field("path", item.path);
        json.field("location", item.location);
        json.end_object();
    }
    json.end_array();
    json.end_object();
}

void write_criteria(JsonWriter& json, const Report& report) {
    json.key("criteria");
    json.begin_array();
    for (const CriterionResult& result : report.criteria) {
        json.begin_object();
        json.field("id", result.criterion.id);
        json.field("part", static_cast<long long>(result.criterion.part));
        json.field("title", result.criterion.title);
        json.field("status", result.status);
        json.string_array("checks", result.checks);
        json.key("findings");
        json.begin_array();
        for (const Finding& finding : result.findings) write_finding(json, finding);
        json.end_array();
        json.end_object();
    }
    json.end_array();
}

void write_evidence(JsonWriter& json, const Report& report) {
    json.key("evidence");
    json.begin_array();
    for (const EvidenceItem& item : report.evidence) {
        json.begin_object();
        json.field("item", item.item);
        json.field("status", item.status);
        json.string_array("paths", item.paths);
        json.end_object();
    }
    json.end_array();
}

void write_grid(JsonWriter& json, const Report& report) {
    json.key("grid");
    json.begin_object();
    json.key("path");
    json.text_or_null(report.grid.path);
    json.key("rows");
    json.begin_array();
    for (const GridRow& row : report.grid.rows) {
        json.begin_object();
        json.field("criterion", row.criterion);
        json.field("title", row.title);
        json.field("link", row.link);
        json.field("status", row.status);
        json.key("resolved_path");
        json.text_or_null(row.resolved_path);
        json.string_array("candidates", row.candidates);
        json.field("location", row.location);
        json.field("reason", row.reason);
        json.end_object();
    }
    json.end_array();
    json.string_array("empty_criteria", report.grid.empty_criteria);
    json.key("folder");
    json.text_or_null(report.grid.folder);
    json.field("folder_message", report.grid.folder_message);
    json.end_object();
}

void write_deadline(JsonWriter& json, const Report& report) {
    const Deadline& deadline = report.deadline;
    json.key("deadline");
    if (deadline.inspection_date.empty()) {
        json.null();
        return;
    }
    json.begin_object();
    json.field("inspection_date", deadline.inspection_date);
    json.field("due_date", deadline.due_date);
    json.field("days_left", static_cast<long long>(deadline.days_left));
    json.key("late_files");
    json.begin_array();
    for (const LateFile& file : deadline.late_files) {
        json.begin_object();
        json.field("path", file.path);
        json.field("modified", file.modified);
        json.field("source", file.source);
        json.end_object();
    }
    json.end_array();
    json.end_object();
}

void write_files(JsonWriter& json, const Report& report) {
    json.key("files");
    json.begin_array();
    for (const FileRecord& file : report.files) {
        json.begin_object();
        json.field("path", file.path);
        json.field("kind", file.kind);
        json.field("status", to_string(file.status));
        json.field("reason", file.reason);
        json.field("size", file.size);
        json.key("modified");
        json.text_or_null(file.modified);
        json.end_object();
    }
    json.end_array();
}

void write_settings(JsonWriter& json, const Report& report) {
    json.key("settings");
    json.begin_array();
    for (const SettingInForce& entry : report.settings) {
        json.begin_object();
        json.field("key", entry.key);
        json.field("value", entry.setting.value);
        json.field("unit", entry.setting.unit);
        json.field("source", entry.setting.source);
        json.end_object();
    }
    json.end_array();
}

void write_plugins(JsonWriter& json, const Report& report) {
    json.key("plugins");
    json.begin_array();
    for (const PluginRecord& plugin : report.plugins) {
        json.begin_object();
        json.field("path", plugin.path);
        json.field("name", plugin.name);
        json.field("version", plugin.version);
        json.string_array("criteria", plugin.criteria);
        json.field("status", plugin.status);
        json.field("reason", plugin.reason);
        json.end_object();
    }
    json.end_array();
}

void write_registers(JsonWriter& json, const Report& report) {
    json.key("registers");
    json.begin_object();
    json.key("read");
    json.begin_array();
    for (const Register& found : report.registers) {
        json.begin_object();
        json.field("path", found.path);
        json.field("table", found.table);
        json.field("kind", found.kind);
        json.key("columns");
        json.begin_object();
        for (const auto& [field, header] : found.columns) json.field(to_valid_utf8(field), header);
        json.end_object();
        json.end_object();
    }
    json.end_array();
    json.key("problems");
    json.begin_array();
    for (const Finding& problem : report.register_problems) write_finding(json, problem);
    json.end_array();
    json.end_object();
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
    JsonWriter json(out);
    json.begin_object();
    json.field("schema_version", 1LL);
    write_tool(json, report);
    write_export(json, report);
    write_summary(json, report);
    write_criteria(json, report);
    write_evidence(json, report);
    write_grid(json, report);
    write_deadline(json, report);
    write_files(json, report);
    write_settings(json, report);
    write_plugins(json, report);
    write_registers(json, report);
    json.end_object();
    json.finish();
    out.flush();
}

}  // namespace iqts::host
