#include <cctype>
#include <filesystem>
#include <fstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "iqts/host/report_ci.hpp"
#include "iqts/host/report_formats.hpp"
#include "iqts/host/rule_pack.hpp"
#include "json_output.hpp"

namespace iqts::host {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;

const char* level_of(Status status) {
    switch (status) {
        case Status::fail:
        case Status::missing:
        case Status::error: return "error";
        case Status::review: return "warning";
        default: return "note";
    }
}

Object::Ptr text_object(const std::string& text) {
    Object::Ptr object = new Object;
    object->set("text", text);
    return object;
}

// Returns the README of the plugin for `criterion_id` ("C1.3" is read from
// a folder whose name starts with "c1_3_"), or an empty string.
std::string read_plugin_readme(const std::string& docs_folder, const std::string& criterion_id) {
    if (docs_folder.empty()) return {};
    std::string prefix;
    for (const char c : criterion_id) prefix += c == '.' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    prefix += '_';
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(docs_folder, error)) {
        const auto name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        std::ifstream in(entry.path() / "README.md", std::ios::binary);
        if (!in) continue;
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    return {};
}

Object::Ptr rule_of(const CriterionDefinition& criterion, const std::string& docs_folder) {
    Object::Ptr rule = new Object;
    rule->set("id", criterion.id);
    rule->set("name", criterion.title);
    rule->set("shortDescription", text_object(criterion.title));
    if (!criterion.statement.empty()) rule->set("fullDescription", text_object(criterion.statement));
    const auto readme = read_plugin_readme(docs_folder, criterion.id);
    Object::Ptr help = text_object(readme.empty() ? (criterion.statement.empty() ? criterion.title : criterion.statement)
                                                   : readme);
    if (!readme.empty()) help->set("markdown", readme);
    rule->set("help", help);
    return rule;
}

Object::Ptr location_of(const Evidence& evidence) {
    Object::Ptr location = new Object;
    Object::Ptr physical = new Object;
    Object::Ptr artifact = new Object;
    artifact->set("uri", percent_encode_path(evidence.path));
    physical->set("artifactLocation", artifact);
    location->set("physicalLocation", physical);
    if (!evidence.location.empty()) {
        // A sheet cell or a page has no line and column, so it goes into a
        // logical location.
        Array::Ptr logical = new Array;
        Object::Ptr place = new Object;
        place->set("name", evidence.location);
        place->set("kind", "element");
        logical->add(place);
        location->set("logicalLocations", logical);
    }
    return location;
}

}  // namespace

std::string builtin_plugin_docs_folder() {
    std::error_code error;
    const auto executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        const auto installed = executable.parent_path().parent_path() / "share" / "iqts-scan" / "plugins";
        if (fs::is_directory(installed, error)) return installed.string();
    }
    // The build tree copies the rules but not the plugin READMEs, so both
    // the rules folder in use and the source tree are tried.
    for (const auto& rules : {fs::path(builtin_rules_folder()), fs::path(IQTS_SOURCE_RULES_DIR)}) {
        const auto source = rules.parent_path() / "plugins";
        if (fs::is_directory(source, error)) return source.string();
    }
    return {};
}

void write_sarif(const Report& report, std::ostream& out, const std::string& docs_folder) {
    Array::Ptr rules = new Array;
    Array::Ptr results = new Array;
    for (std::size_t index = 0; index < report.criteria.size(); ++index) {
        const auto& criterion_result = report.criteria[index];
        rules->add(rule_of(criterion_result.criterion, docs_folder));
        for (const auto& finding : criterion_result.findings) {
            if (finding.status == Status::pass) continue;
            Object::Ptr result = new Object;
            result->set("ruleId", criterion_result.criterion.id);
            result->set("ruleIndex", static_cast<int>(index));
            result->set("level", level_of(finding.status));
            result->set("kind", finding.status == Status::review ? "review" : "fail");
            const auto message = finding.subject.empty() ? finding.message : finding.subject + ": " + finding.message;
            result->set("message", text_object(message));
            if (!finding.evidence.empty()) {
                Array::Ptr locations = new Array;
                for (const auto& evidence : finding.evidence) locations->add(location_of(evidence));
                result->set("locations", locations);
            }
            Object::Ptr properties = new Object;
            properties->set("status", std::string(to_string(finding.status)));
            if (!finding.subject.empty()) properties->set("subject", finding.subject);
            result->set("properties", properties);
            results->add(result);
        }
    }

    Object::Ptr driver = new Object;
    driver->set("name", "iqts-scan");
    driver->set("version", report.tool_version);
    driver->set("rules", rules);
    Object::Ptr tool = new Object;
    tool->set("driver", driver);
    Object::Ptr run = new Object;
    run->set("tool", tool);
    run->set("results", results);
    Array::Ptr runs = new Array;
    runs->add(run);

    Object root;
    root.set("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.set("version", "2.1.0");
    root.set("runs", runs);
    report_detail::write_indented(root, out);
}

}  // namespace iqts::host
