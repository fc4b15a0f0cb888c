#include "iqts/host/cli.hpp"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include <boost/program_options.hpp>

#include "iqts/host/output.hpp"
#include "iqts/host/plugins.hpp"
#include "iqts/host/progress_line.hpp"
#include "iqts/host/redact.hpp"
#include "iqts/host/report_ci.hpp"
#include "iqts/host/report_formats.hpp"
#include "iqts/host/rule_pack.hpp"
#include "iqts/host/sample.hpp"
#include "iqts/host/scan.hpp"
#include "iqts/host/serve.hpp"
#include "iqts/host/timeline.hpp"
#include "report_summary.hpp"

namespace iqts::host {

// Lists the plugins and rule files a scan would use (plugins_list.cpp).
int run_plugins_list(const std::vector<std::string>& arguments);

namespace {

namespace po = boost::program_options;

constexpr int exit_cannot_run = 2;

class StderrLogger : public Logger {
public:
    explicit StderrLogger(LogLevel threshold) : threshold_(threshold) {}

    void log(LogLevel level, const std::string& message) override {
        if (level < threshold_) return;
        static constexpr const char* names[] = {"debug", "info", "warning", "error"};
        const auto line = std::string("iqts-scan: ") + names[static_cast<int>(level)] + ": " + message + '\n';
        if (progress_line_) {
            progress_line_->write_line(line);
        } else {
            std::cerr << line;
        }
    }

    // Writes log lines above the progress line while a scan draws one.
    void set_progress_line(ProgressLine* progress_line) { progress_line_ = progress_line; }

private:
    LogLevel threshold_;
    ProgressLine* progress_line_ = nullptr;
};

const char* usage_text =
    "Usage:\n"
    "  iqts-scan scan PATH... [options]   scan an export (folder, zip, tar, 7z, split zips)\n"
    "  iqts-scan sample EXPORT... [--seed N] [--format text|json|csv]   choose whom inspectors meet\n"
    "  iqts-scan plugins list [--plugins DIR]... [--rules DIR]... [--format text|json]\n"
    "  iqts-scan timeline --inspection-date YYYY-MM-DD [--days N] [--holidays FILE]\n"
    "  iqts-scan rules validate DIR\n"
    "  iqts-scan --version | --help\n"
    "\n"
    "Exit status: 0 when no criterion fails or is missing, 1 when one does,\n"
    "2 when the scan could not run.\n";

std::string format_for_output(const std::string& path) {
    const auto extension = std::filesystem::path(path).extension().string();
    if (extension == ".json") return "json";
    if (extension == ".txt") return "text";
    if (extension == ".html" || extension == ".htm") return "html";
    if (extension == ".xlsx") return "xlsx";
    if (extension == ".xml") return "junit";
    if (extension == ".sarif") return "sarif";
    return "";
}

bool is_date(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i != 4 && i != 7 && !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    const int month = std::stoi(text.substr(5, 2));
    const int day = std::stoi(text.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Returns whether the year of `text` (YYYY-MM-DD) lies outside 2000 to
// 2099, which for an iQTS inspection is a typing error.
bool implausible_year(const std::string& text) {
    if (text.size() < 4) return false;
    int year = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
        year = year * 10 + (text[i] - '0');
    }
    return year < 2000 || year > 2099;
}

std::string join_paths(const std::vector<std::string>& paths) {
    std::string joined;
    for (const auto& path : paths) joined += (joined.empty() ? "'" : ", '") + path + "'";
    return joined;
}

void write_report(const Report& report, const std::string& format, std::ostream& out, bool colour) {
    if (format == "json") {
        write_json(report, out);
    } else if (format == "html") {
        write_html(report, out);
    } else if (format == "junit") {
        write_junit(report, out);
    } else if (format == "sarif") {
        write_sarif(report, out, builtin_plugin_docs_folder());
    } else {
        write_text(report, out, colour);
    }
}

int run_scan(const std::vector<std::string>& arguments) {
    ScanOptions options;
    std::vector<std::string> formats;
    std::vector<std::string> outputs;
    double max_entry_mb = 0;
    double max_total_mb = 0;
    double max_text_mb = 0;
    double check_timeout_seconds = 60;
    double document_timeout_seconds = 60;
    double worker_memory_mb = 1024;
    double cache_max_mb = 512;
    bool no_cache = false;
    bool verbose = false;
    bool quiet = false;
    bool no_isolate = false;
    bool redact_names = false;
    std::string redact_key_path;

    po::options_description described("Scan options");
    described.add_options()
        ("help,h", "show this help")
        ("format,f", po::value(&formats), "report format: text (default), json, html, junit, sarif or xlsx (the filled-in "
                                           "compliance grid; needs --output); repeat for several")
        ("output,o", po::value(&outputs), "file for the report of the --format in the same position; "
                                           "stdout when absent")
        ("rules", po::value(&options.rule_folders), "folder of extra rule files, overriding the built-in rules")
        ("waivers", po::value(&options.waivers_path), "YAML file of waivers: accepted exceptions, each with "
                                                       "criterion, justification, expires and approved_by")
        ("plugins", po::value(&options.plugin_folders), "folder of extra check plugins (*.so)")
        ("inspection-date", po::value(&options.inspection_date), "first day of the inspection, YYYY-MM-DD")
        ("jobs,j", po::value(&options.jobs), "extraction threads (default: one per core)")
        ("no-isolate", po::bool_switch(&no_isolate), "run checks and extractors inside the scanner process "
                                                     "(for debugging)")
        ("redact", po::bool_switch(&redact_names), "replace every person's name in every output and log line "
                                                   "with a stable pseudonym (Person-xxxxxxxx)")
        ("redact-key", po::value(&redact_key_path), "file holding the key of the --redact pseudonyms; implies "
                                                     "--redact (default: ~/.config/iqts-scan/redact.key, created "
                                                     "when absent)")
        ("check-timeout", po::value(&check_timeout_seconds), "seconds a check may run (default 60)")
        ("document-timeout", po::value(&document_timeout_seconds), "seconds one evidence file may take to extract "
                                                                    "(default 60)")
        ("worker-memory-mb", po::value(&worker_memory_mb), "address space each extraction worker process may add "
                                                           "while parsing, in MiB (default 1024; 0 for no limit)")
        ("no-cache", po::bool_switch(&no_cache), "neither read nor write the extraction cache")
        ("cache-dir", po::value(&options.cache_folder), "folder of the extraction cache (default: "
                                                         "$XDG_CACHE_HOME/iqts-scan, else ~/.cache/iqts-scan)")
        ("cache-max-mb", po::value(&cache_max_mb), "size of the extraction cache in MiB above which the least "
                                                   "recently used entries are removed (default 512)")
        ("max-entry-mb", po::value(&max_entry_mb), "largest file read, uncompressed, in MiB (default 512)")
        ("max-total-mb", po::value(&max_total_mb), "most bytes read from the export, in MiB (default 8192)")
        ("max-depth", po::value(&options.walk_limits.max_nesting_depth), "deepest archive nesting (default 4)")
        ("max-entries", po::value(&options.walk_limits.max_entries_per_archive), "most entries per archive")
        ("max-ratio", po::value(&options.walk_limits.max_compression_ratio), "highest compression ratio per entry")
        ("max-text-mb", po::value(&max_text_mb), "most text extracted per document, in MiB (default 64)")
        ("max-xml-depth", po::value(&options.extract_limits.max_xml_depth), "deepest XML nesting in Office files")
        ("verbose,v", po::bool_switch(&verbose), "log what was loaded and scanned")
        ("quiet,q", po::bool_switch(&quiet), "log only errors, and show neither the progress line nor the "
                                             "closing summary line");
    po::options_description hidden;
    hidden.add_options()("path", po::value(&options.paths));
    po::options_description all;
    all.add(described).add(hidden);
    po::positional_options_description positional;
    positional.add("path", -1);

    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "iqts-scan scan: " << error.what() << "\n\n" << described;
        return exit_cannot_run;
    }
    if (values.count("help")) {
        std::cout << "Usage: iqts-scan scan PATH... [options]\n\n" << described;
        return 0;
    }
    if (verbose && quiet) {
        std::cerr << "iqts-scan scan: --verbose and --quiet contradict each other; give one of them\n";
        return exit_cannot_run;
    }
    if (options.paths.empty()) {
        std::cerr << "iqts-scan scan: no export given; name the folder or the downloaded zip, e.g.\n"
                     "  iqts-scan scan \"iQTS evidence.zip\"\n";
        return exit_cannot_run;
    }
    if (!options.inspection_date.empty() && !is_date(options.inspection_date)) {
        std::cerr << "iqts-scan scan: --inspection-date '" << options.inspection_date
                  << "' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-15\n";
        return exit_cannot_run;
    }
    if (implausible_year(options.inspection_date)) {
        std::cerr << "iqts-scan scan: --inspection-date " << options.inspection_date
                  << " is not in the years 2000 to 2099; check the year in the notification of inspection\n";
        return exit_cannot_run;
    }
    while (formats.size() < outputs.size()) formats.push_back(format_for_output(outputs[formats.size()]));
    if (formats.empty()) formats.push_back("text");
    for (auto& format : formats) {
        if (format.empty()) format = "text";
        if (format != "text" && format != "json" && format != "html" && format != "xlsx" &&
            format != "junit" && format != "sarif") {
            std::cerr << "iqts-scan scan: unknown --format '" << format << "'; write text, json, html, junit, sarif or xlsx\n";
            return exit_cannot_run;
        }
    }
    for (std::size_t i = outputs.size(); i < formats.size(); ++i) {
        if (formats[i] == "xlsx") {
            std::cerr << "iqts-scan scan: --format xlsx writes a workbook, not text; give --output FILE.xlsx\n";
            return exit_cannot_run;
        }
    }
    for (const auto& output : outputs) {
        for (const auto& path : options.paths) {
            if (!is_inside(output, path)) continue;
            std::cerr << "iqts-scan scan: --output " << output << " is inside the export " << path
                      << ", and the scanner never writes into an export (a report there would also be read as "
                         "evidence next time); write it outside the export\n";
            return exit_cannot_run;
        }
    }
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        for (std::size_t j = i + 1; j < outputs.size(); ++j) {
            if (outputs[i] != outputs[j]) continue;
            std::cerr << "iqts-scan scan: --output " << outputs[i]
                      << " is given twice, so one report would overwrite the other; give each --format its own file\n";
            return exit_cannot_run;
        }
    }
    if (options.jobs > 256) {
        std::cerr << "iqts-scan scan: --jobs " << static_cast<int>(options.jobs)
                  << " is not a number of threads; give 1 to 256, or leave it out for one per core\n";
        return exit_cannot_run;
    }
    if (formats.size() > outputs.size() + 1) {
        std::cerr << "iqts-scan scan: only one report can go to stdout; give an --output file for each "
                     "other --format\n";
        return exit_cannot_run;
    }
    if (max_entry_mb > 0) options.walk_limits.max_entry_bytes = static_cast<std::uint64_t>(max_entry_mb * 1048576);
    if (max_total_mb > 0) options.walk_limits.max_total_bytes = static_cast<std::uint64_t>(max_total_mb * 1048576);
    if (max_text_mb > 0) options.extract_limits.max_text_bytes = static_cast<std::size_t>(max_text_mb * 1048576);
    options.isolate = !no_isolate;
    options.check_timeout = std::chrono::milliseconds(static_cast<long long>(check_timeout_seconds * 1000));
    if (document_timeout_seconds <= 0 || worker_memory_mb < 0 || cache_max_mb < 0) {
        std::cerr << "iqts-scan scan: --document-timeout must be above 0 seconds, and --worker-memory-mb and "
                     "--cache-max-mb must not be negative\n";
        return exit_cannot_run;
    }
    options.document_timeout = std::chrono::milliseconds(static_cast<long long>(document_timeout_seconds * 1000));
    options.worker_memory_bytes = static_cast<std::size_t>(worker_memory_mb * 1048576);
    options.cache_max_bytes = static_cast<std::uint64_t>(cache_max_mb * 1048576);
    options.use_cache = !no_cache;

    StderrLogger stderr_log(verbose ? LogLevel::info : quiet ? LogLevel::error : LogLevel::warning);
    std::unique_ptr<RedactingLogger> redacting_log;
    if (redact_names || !redact_key_path.empty()) {
        try {
            redacting_log = std::make_unique<RedactingLogger>(stderr_log, load_redaction_key(redact_key_path));
        } catch (const std::runtime_error& error) {
            std::cerr << "iqts-scan: " << error.what() << '\n';
            return exit_cannot_run;
        }
    }
    Logger& log = redacting_log ? static_cast<Logger&>(*redacting_log) : stderr_log;
    if (const auto warning = weekend_warning(options.inspection_date); !warning.empty()) {
        log.log(LogLevel::warning, warning);
    }

    // The names to redact are read from the registers only after extraction,
    // so under --redact the progress line shows no file name.
    ProgressLine::Options progress_options;
    progress_options.terminal = !quiet && isatty(STDERR_FILENO) == 1;
    progress_options.show_current = !redacting_log;
    progress_options.width = [] { return terminal_width(STDERR_FILENO); };
    ProgressLine progress_line(std::cerr, progress_options);
    options.progress = [&progress_line](const ScanProgress& progress) { progress_line.update(progress); };
    stderr_log.set_progress_line(&progress_line);
    const auto stop_progress_line = [&] {
        progress_line.clear();
        stderr_log.set_progress_line(nullptr);
    };

    Report report;
    try {
        report = scan(options, log);
    } catch (const ScanError& error) {
        stop_progress_line();
        std::cerr << "iqts-scan: " << error.what() << '\n';
        return exit_cannot_run;
    }
    stop_progress_line();
    if (const auto files = report_detail::count_export_files(report); files.total() == files.archives) {
        const std::string found = files.archives == 1 ? "the archive holds no files"
                                  : files.archives > 1  ? "its archives hold no files"
                                  : files.skipped > 0 ? "only hidden, system or link entries, which are skipped"
                                                      : "it is empty";
        std::cerr << "iqts-scan: no files found in the export " << join_paths(options.paths) << " (" << found
                  << "), so there is nothing to scan; check that this is the evidence folder, or download the "
                     "export again and check that the download finished\n";
        return exit_cannot_run;
    }
    if (redacting_log) redact(report, redacting_log->names(), redacting_log->key());

    try {
        for (std::size_t i = 0; i < formats.size(); ++i) {
            if (i < outputs.size() && formats[i] == "xlsx") {
                write_xlsx(report, outputs[i]);
            } else if (i < outputs.size()) {
                write_atomically(outputs[i], [&](std::ostream& out) { write_report(report, formats[i], out, false); });
            } else {
                write_report(report, formats[i], std::cout, isatty(STDOUT_FILENO) == 1);
                std::cout.flush();
                if (!std::cout) {
                    const int error = errno;
                    throw std::runtime_error(std::string("cannot write the report to standard output: ") +
                                             std::strerror(error) + "; free some disk space or give --output FILE");
                }
            }
        }
    } catch (const std::runtime_error& error) {
        std::cerr << "iqts-scan: " << error.what() << '\n';
        return exit_cannot_run;
    }
    if (!quiet) std::cerr << render_summary_line(report, progress_line.last(), progress_line.elapsed()) << '\n';
    return report.exit_status();
}

// Prints whom inspectors would meet, chosen from the export's cohort by the
// sampling table of the rules (rules/sampling.yaml).
int run_sample(const std::vector<std::string>& arguments) {
    std::vector<std::string> paths;
    std::vector<std::string> rule_folders{builtin_rules_folder()};
    std::vector<std::string> extra_rule_folders;
    std::string seed_text;
    std::string format = "text";
    bool redact_names = false;
    std::string redact_key_path;

    po::options_description described("Sample options");
    described.add_options()
        ("help,h", "show this help")
        ("seed", po::value(&seed_text), "seed of the random choice, 0 to 4294967295; the same seed and export give "
                                   "the same sample (default: a new seed, printed with the sample)")
        ("format,f", po::value(&format), "output format: text (default), json or csv")
        ("rules", po::value(&extra_rule_folders), "folder of extra rule files, overriding the built-in rules")
        ("redact", po::bool_switch(&redact_names), "replace every name with its pseudonym")
        ("redact-key", po::value(&redact_key_path), "file holding the key for --redact pseudonyms");
    po::options_description hidden;
    hidden.add_options()("path", po::value(&paths));
    po::options_description all;
    all.add(described).add(hidden);
    po::positional_options_description positional;
    positional.add("path", -1);
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "iqts-scan sample: " << error.what() << "\n\n" << described;
        return exit_cannot_run;
    }
    if (values.count("help")) {
        std::cout << "Usage: iqts-scan sample EXPORT... [options]\n\n" << described;
        return 0;
    }
    if (paths.empty()) {
        std::cerr << "iqts-scan sample: no export given; name the folder or the downloaded zip\n";
        return exit_cannot_run;
    }
    if (format != "text" && format != "json" && format != "csv") {
        std::cerr << "iqts-scan sample: unknown --format '" << format << "'; write text, json or csv\n";
        return exit_cannot_run;
    }
    // Boost.Program_options would wrap "-1" round to 4294967295, so the seed
    // is parsed here, where a sign or any other character is rejected.
    std::uint32_t seed = 0;
    if (values.count("seed")) {
        const char* end = seed_text.data() + seed_text.size();
        const auto [stop, error] = std::from_chars(seed_text.data(), end, seed);
        if (seed_text.empty() || error != std::errc{} || stop != end) {
            std::cerr << "iqts-scan sample: --seed '" << seed_text
                      << "' is not a seed; give a whole number from 0 to 4294967295\n";
            return exit_cannot_run;
        }
    } else {
        seed = std::random_device{}();
    }
    rule_folders.insert(rule_folders.end(), extra_rule_folders.begin(), extra_rule_folders.end());

    try {
        const LoadedRulePack rules(rule_folders);
        const auto sampling = read_sampling_rules(rules);
        const auto cohort = read_cohort(paths, rules, WalkLimits{}, ExtractLimits{});
        auto sample = draw_sample(cohort, sampling, seed);
        if (redact_names || !redact_key_path.empty()) {
            const auto key = load_redaction_key(redact_key_path);
            for (auto* people : {&sample.trainees, &sample.mentors, &sample.other}) {
                for (auto& person : *people) person.name = pseudonym(person.name, key);
            }
        }
        if (format == "json") {
            write_sample_json(sample, std::cout);
        } else if (format == "csv") {
            write_sample_csv(sample, std::cout);
        } else {
            write_sample_text(sample, std::cout);
        }
    } catch (const RuleError& error) {
        std::cerr << "iqts-scan sample: invalid rules: " << error.what() << '\n';
        return exit_cannot_run;
    } catch (const std::runtime_error& error) {
        std::cerr << "iqts-scan sample: " << error.what() << '\n';
        return exit_cannot_run;
    }
    return 0;
}

int run_timeline(const std::vector<std::string>& arguments) {
    std::string inspection_date;
    std::string holidays_path;
    int days = 5;
    po::options_description described("Timeline options");
    described.add_options()
        ("help,h", "show this help")
        ("inspection-date", po::value(&inspection_date), "first day of the inspection, YYYY-MM-DD")
        ("days", po::value(&days), "working days the inspection lasts (default 5)")
        ("holidays", po::value(&holidays_path), "file of non-working days, one YYYY-MM-DD a line; text after a "
                                                "# is a comment");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(described).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "iqts-scan timeline: " << error.what() << "\n\n" << described;
        return exit_cannot_run;
    }
    if (values.count("help")) {
        std::cout << "Usage: iqts-scan timeline --inspection-date YYYY-MM-DD [options]\n\n" << described;
        return 0;
    }
    if (inspection_date.empty()) {
        std::cerr << "iqts-scan timeline: give --inspection-date YYYY-MM-DD, the first day of the inspection\n";
        return exit_cannot_run;
    }
    if (implausible_year(inspection_date)) {
        std::cerr << "iqts-scan timeline: --inspection-date " << inspection_date
                  << " is not in the years 2000 to 2099; check the year in the notification of inspection\n";
        return exit_cannot_run;
    }
    if (const auto warning = weekend_warning(inspection_date); !warning.empty()) {
        std::cerr << "iqts-scan timeline: warning: " << warning << '\n';
    }
    try {
        const auto holidays = holidays_path.empty() ? std::set<std::string>{} : read_holidays(holidays_path);
        for (const auto& event : timeline(inspection_date, days, holidays)) {
            std::cout << event.date;
            std::cout << (event.kind == EventKind::window ? " to " + event.end_date : std::string(14, ' '));
            std::cout << "  " << to_string(event.kind) << "  " << event.what;
            if (event.grade_4_only) std::cout << " (after a grade 4)";
            std::cout << "\n" << std::string(28, ' ') << event.source << '\n';
        }
    } catch (const std::exception& error) {
        std::cerr << "iqts-scan timeline: " << error.what() << '\n';
        return exit_cannot_run;
    }
    return 0;
}

std::string folder_of(const std::string& file) {
    const auto folder = std::filesystem::path(file).parent_path().string();
    return folder.empty() ? "." : folder;
}

int run_rules_validate(const std::vector<std::string>& arguments) {
    if (arguments.size() != 1) {
        std::cerr << "iqts-scan rules validate: give one rules folder, e.g. iqts-scan rules validate my-rules\n";
        return exit_cannot_run;
    }
    std::error_code error;
    if (std::filesystem::is_regular_file(arguments[0], error)) {
        std::cerr << "iqts-scan rules validate: " << arguments[0]
                  << " is a file, but rules are validated by folder; give the folder that contains it, e.g. "
                     "iqts-scan rules validate "
                  << folder_of(arguments[0]) << '\n';
        return exit_cannot_run;
    }
    try {
        const LoadedRulePack pack({builtin_rules_folder(), arguments[0]});
        std::cout << arguments[0] << ": valid: " << pack.sources().size() << " files with the built-in rules, "
                  << pack.criteria().size() << " criteria, " << pack.checks().size() << " declarative checks\n";
        return 0;
    } catch (const RuleError& error) {
        for (const auto& message : error.errors()) std::cerr << message << '\n';
        std::cerr << error.errors().size() << (error.errors().size() == 1 ? " error" : " errors") << " in "
                  << arguments[0] << '\n';
        return exit_cannot_run;
    }
}

}  // namespace

int run_cli(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h" || arguments[0] == "help") {
        std::cout << usage_text;
        return arguments.empty() ? exit_cannot_run : 0;
    }
    if (arguments[0] == "--version") {
        std::cout << "iqts-scan " << IQTS_VERSION << '\n';
        return 0;
    }
    const auto command = arguments[0];
    arguments.erase(arguments.begin());
    if (command == "scan") return run_scan(arguments);
    if (command == "timeline") return run_timeline(arguments);
    if (command == "sample") return run_sample(arguments);
    if (command == "serve") return run_serve(arguments);
    if (command == "plugins" && !arguments.empty() && arguments[0] == "list") {
        return run_plugins_list({arguments.begin() + 1, arguments.end()});
    }
    if (command == "rules" && !arguments.empty() && arguments[0] == "validate") {
        return run_rules_validate({arguments.begin() + 1, arguments.end()});
    }
    std::cerr << "iqts-scan: unknown command '" << command << "'\n\n" << usage_text;
    return exit_cannot_run;
}

}  // namespace iqts::host
