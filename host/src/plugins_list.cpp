// `iqts-scan plugins list`: every check plugin and rule file a scan with the
// same --plugins and --rules folders would use, and every one it would reject
// with the reason.

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/program_options.hpp>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

#include "iqts/host/plugins.hpp"
#include "iqts/host/rule_checks.hpp"
#include "iqts/host/rule_pack.hpp"

namespace iqts::host {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int exit_rejected = 1;
constexpr int exit_cannot_run = 2;

class ErrorOnlyLogger : public Logger {
public:
    void log(LogLevel level, const std::string& message) override {
        if (level == LogLevel::error) std::cerr << "iqts-scan: error: " << message << '\n';
    }
};

struct CheckEntry {
    std::string name;
    std::string criterion;
    std::string kind;   // plugin, or the kind of a declarative rule
};

struct PluginEntry {
    std::string path;
    std::string name;
    std::string version;
    std::vector<std::string> criteria;   // each once, in the order of the checks
    std::vector<CheckEntry> checks;
    std::string reason;                  // empty when the plugin loaded
};

// A rule file, or a rules folder that could not be read at all.
struct RuleFileEntry {
    std::string path;
    std::string requires_version;
    std::vector<std::string> criteria;   // criteria the file declares
    std::vector<CheckEntry> checks;
    std::vector<std::string> sections;   // top-level sections other than criteria and checks
    std::vector<std::string> errors;     // empty when the file is in use
};

std::string kind_name(RuleKind kind) {
    switch (kind) {
        case RuleKind::document_exists: return "document_exists";
        case RuleKind::text: return "text";
        case RuleKind::register_rows: return "register";
        case RuleKind::date_freshness: return "date_freshness";
    }
    return "unknown";
}

void add_once(std::vector<std::string>& values, const std::string& value) {
    if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

std::vector<PluginEntry> list_plugins(const std::vector<std::string>& folders) {
    ErrorOnlyLogger log;
    const auto plugins = load_plugins(folders, log);
    std::map<std::string, const LoadedPlugin*> loaded;
    for (const auto& plugin : plugins.loaded) loaded[plugin.path] = &plugin;

    std::vector<PluginEntry> entries;
    for (const auto& record : plugins.records) {
        PluginEntry entry{record.path, record.name, record.version, {}, {}, record.reason};
        if (record.status != "loaded") entry.reason = record.reason.empty() ? "rejected" : record.reason;
        const auto found = loaded.find(record.path);
        if (found != loaded.end()) {
            for (const auto& check : found->second->checks) {
                entry.checks.push_back({check->name(), check->criterion(), "plugin"});
                add_once(entry.criteria, check->criterion());
            }
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

// Adds what one top-level section of a rule file declares to `entry`.
void describe_section(RuleFileEntry& entry, const std::string& name, const YAML::Node& body,
                      std::vector<std::string>& ignored_errors) {
    if (name == "requires") {
        if (body.IsScalar()) entry.requires_version = body.Scalar();
    } else if (name == "criteria" && body.IsSequence()) {
        for (const auto& criterion : body) {
            if (criterion.IsMap() && criterion["id"] && criterion["id"].IsScalar()) {
                entry.criteria.push_back(criterion["id"].Scalar());
            }
        }
    } else if (name == "checks" && body.IsSequence()) {
        for (const auto& node : body) {
            if (const auto rule = read_rule_check(entry.path, node, ignored_errors)) {
                entry.checks.push_back({rule->id, rule->criterion, kind_name(rule->kind)});
            } else if (node.IsMap() && node["id"] && node["id"].IsScalar()) {
                const auto& criterion = node["criterion"];
                entry.checks.push_back({node["id"].Scalar(),
                                        criterion && criterion.IsScalar() ? criterion.Scalar() : std::string("-"),
                                        "invalid"});
            }
        }
    } else {
        entry.sections.push_back(name);
    }
}

// Reads what one rule file declares. Errors are not collected here: the
// rule pack loader reports them with their positions.
void describe_rule_file(RuleFileEntry& entry) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(entry.path);
    } catch (const YAML::Exception&) {
        return;
    }
    if (!root.IsMap()) return;

    std::vector<std::string> ignored;
    for (const auto& section : root) {
        try {
            describe_section(entry, section.first.Scalar(), section.second, ignored);
        } catch (const std::exception&) {
            // A section of the wrong shape: the loader reports where.
        }
    }
}

// Returns whether `error` ("FILE:LINE:COLUMN: error: ..." or "FILE: error:
// ...") names `path`.
bool names_file(const std::string& error, const std::string& path) {
    return error.size() > path.size() && error.compare(0, path.size(), path) == 0 && error[path.size()] == ':';
}

// Lists the rule files of `folders` in the order the rule pack loads them,
// with the errors of the whole pack put under the file each names.
std::vector<RuleFileEntry> list_rule_files(const std::vector<std::string>& folders) {
    std::vector<RuleFileEntry> entries;
    std::vector<std::string> readable_folders;
    for (const auto& folder : folders) {
        std::error_code error;
        if (!fs::is_directory(folder, error)) {
            entries.push_back(
                {folder, "", {}, {}, {}, {folder + ": rules folder not found; give a folder of .yaml rule files"}});
            continue;
        }
        std::vector<fs::path> files;
        for (fs::directory_iterator item(folder, error), end; !error && item != end; item.increment(error)) {
            const auto extension = item->path().extension().string();
            if (item->is_regular_file() && (extension == ".yaml" || extension == ".yml")) {
                files.push_back(item->path());
            }
        }
        if (error) {
            entries.push_back({folder, "", {}, {}, {}, {folder + ": cannot list the rules folder: " + error.message()}});
            continue;
        }
        std::sort(files.begin(), files.end());
        readable_folders.push_back(folder);
        for (const auto& file : files) {
            RuleFileEntry entry;
            entry.path = file.string();
            describe_rule_file(entry);
            entries.push_back(std::move(entry));
        }
    }

    try {
        const LoadedRulePack pack(readable_folders);
    } catch (const RuleError& error) {
        for (const auto& message : error.errors()) {
            auto owner = std::find_if(entries.begin(), entries.end(),
                                      [&](const RuleFileEntry& entry) { return names_file(message, entry.path); });
            if (owner == entries.end()) {
                entries.push_back({"", "", {}, {}, {}, {message}});
            } else {
                owner->errors.push_back(message);
            }
        }
    }
    return entries;
}

std::string joined(const std::vector<std::string>& values, const char* separator) {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "" : separator) + value;
    return text;
}

std::string plugin_title(const PluginEntry& plugin) {
    if (!plugin.name.empty()) return plugin.name + (plugin.version.empty() ? "" : " " + plugin.version);
    return fs::path(plugin.path).filename().string();
}

void write_text(const std::vector<PluginEntry>& plugins, const std::vector<RuleFileEntry>& rule_files,
                std::ostream& out) {
    const auto rejected_plugins =
        std::count_if(plugins.begin(), plugins.end(), [](const auto& plugin) { return !plugin.reason.empty(); });
    out << "Plugins: " << plugins.size() - rejected_plugins << " loaded, " << rejected_plugins << " rejected\n";
    for (const auto& plugin : plugins) {
        out << (plugin.reason.empty() ? "  loaded    " : "  rejected  ") << plugin_title(plugin);
        if (!plugin.criteria.empty()) out << "  " << joined(plugin.criteria, ",");
        out << "  " << plugin.path << '\n';
        for (const auto& check : plugin.checks) {
            out << "              check " << check.name << "  " << check.criterion << '\n';
        }
        if (!plugin.reason.empty()) out << "              " << plugin.reason << '\n';
    }

    const auto rejected_files =
        std::count_if(rule_files.begin(), rule_files.end(), [](const auto& file) { return !file.errors.empty(); });
    out << "Rule files: " << rule_files.size() - rejected_files << " in use, " << rejected_files << " rejected\n";
    for (const auto& file : rule_files) {
        out << (file.errors.empty() ? "  in use    " : "  rejected  ");
        out << (file.path.empty() ? "(rule pack)" : file.path);
        if (!file.requires_version.empty()) out << "  requires " << file.requires_version;
        out << '\n';
        if (!file.criteria.empty()) out << "              criteria " << joined(file.criteria, ", ") << '\n';
        for (const auto& check : file.checks) {
            out << "              check " << check.name << "  " << check.criterion << "  " << check.kind << '\n';
        }
        if (!file.sections.empty()) out << "              " << joined(file.sections, ", ") << '\n';
        for (const auto& error : file.errors) out << "              " << error << '\n';
    }
    if (rejected_files > 0) {
        out << "A scan with these rules stops with status 2 until every rule file error above is fixed.\n";
    }
}

Array::Ptr string_array(const std::vector<std::string>& values) {
    Array::Ptr array = new Array();
    for (const auto& value : values) array->add(value);
    return array;
}

Array::Ptr check_array(const std::vector<CheckEntry>& checks) {
    Array::Ptr array = new Array();
    for (const auto& check : checks) {
        Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        object->set("id", check.name);
        object->set("criterion", check.criterion);
        object->set("kind", check.kind);
        array->add(object);
    }
    return array;
}

void write_json(const std::vector<PluginEntry>& plugins, const std::vector<RuleFileEntry>& rule_files,
                std::ostream& out) {
    Array::Ptr plugin_array = new Array();
    for (const auto& plugin : plugins) {
        Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        object->set("path", plugin.path);
        object->set("status", plugin.reason.empty() ? "loaded" : "rejected");
        object->set("name", plugin.name);
        object->set("version", plugin.version);
        object->set("criteria", string_array(plugin.criteria));
        object->set("checks", check_array(plugin.checks));
        object->set("reason", plugin.reason);
        plugin_array->add(object);
    }
    Array::Ptr rule_array = new Array();
    for (const auto& file : rule_files) {
        Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        object->set("path", file.path);
        object->set("status", file.errors.empty() ? "in use" : "rejected");
        object->set("requires", file.requires_version);
        object->set("criteria", string_array(file.criteria));
        object->set("checks", check_array(file.checks));
        object->set("sections", string_array(file.sections));
        object->set("errors", string_array(file.errors));
        rule_array->add(object);
    }
    Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("plugins", plugin_array);
    root.set("rule_files", rule_array);
    root.stringify(out, 2);
    out << '\n';
}

}  // namespace

// Declared in cli.cpp, which dispatches `iqts-scan plugins list` here.
int run_plugins_list(const std::vector<std::string>& arguments) {
    std::vector<std::string> plugin_folders;
    std::vector<std::string> rule_folders;
    std::string format = "text";
    po::options_description described("Plugins list options");
    described.add_options()
        ("help,h", "show this help")
        ("plugins", po::value(&plugin_folders), "folder of extra check plugins (*.so), after the built-in ones; "
                                                "repeat for several")
        ("rules", po::value(&rule_folders), "folder of extra rule files, after the built-in rules; repeat for several")
        ("format,f", po::value(&format), "output format: text (default) or json");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(described).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "iqts-scan plugins list: " << error.what() << "\n\n" << described;
        return exit_cannot_run;
    }
    if (values.count("help")) {
        std::cout << "Usage: iqts-scan plugins list [--plugins DIR]... [--rules DIR]... [--format text|json]\n\n"
                  << described
                  << "\nExit status: 0 when every plugin and rule file loads, 1 when one is rejected,\n"
                     "2 when the options are invalid.\n";
        return 0;
    }
    if (format != "text" && format != "json") {
        std::cerr << "iqts-scan plugins list: unknown --format '" << format << "'; write text or json\n";
        return exit_cannot_run;
    }

    // Paths are shown absolute, so that the list names the exact file
    // wherever it is read.
    plugin_folders.insert(plugin_folders.begin(), builtin_plugin_folder());
    rule_folders.insert(rule_folders.begin(), builtin_rules_folder());
    for (auto* folders : {&plugin_folders, &rule_folders}) {
        for (auto& folder : *folders) {
            std::error_code error;
            const auto absolute = fs::absolute(folder, error);
            if (!error) folder = absolute.lexically_normal().string();
        }
    }
    const auto plugins = list_plugins(plugin_folders);
    const auto rule_files = list_rule_files(rule_folders);
    if (format == "json") {
        write_json(plugins, rule_files, std::cout);
    } else {
        write_text(plugins, rule_files, std::cout);
    }

    const bool any_rejected =
        std::any_of(plugins.begin(), plugins.end(), [](const auto& plugin) { return !plugin.reason.empty(); }) ||
        std::any_of(rule_files.begin(), rule_files.end(), [](const auto& file) { return !file.errors.empty(); });
    return any_rejected ? exit_rejected : 0;
}

}  // namespace iqts::host
