#include "iqts/host/scan.hpp"

#include <malloc.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

#include "iqts/host/cohort_builder.hpp"
#include "iqts/host/evidence_index.hpp"
#include "iqts/host/extract_cache.hpp"
#include "iqts/host/extract_worker_pool.hpp"
#include "iqts/host/grid.hpp"
#include "iqts/host/plugins.hpp"
#include "iqts/host/redact.hpp"
#include "iqts/host/required_evidence.hpp"
#include "iqts/host/rule_checks.hpp"
#include "iqts/host/rule_pack.hpp"
#include "iqts/host/sniff.hpp"
#include "iqts/host/timeline.hpp"
#include "iqts/host/waivers.hpp"

namespace iqts::host {
namespace {

// Opens the extraction cache the options ask for, or returns null when it
// is off. A cache folder given with --cache-dir that cannot be used stops
// the scan; a default folder that cannot be used only turns the cache off.
std::unique_ptr<ExtractCache> open_cache(const ScanOptions& options, Logger& log) {
    if (!options.use_cache) return nullptr;
    const bool chosen = !options.cache_folder.empty();
    const auto folder = chosen ? options.cache_folder : default_cache_folder();
    if (folder.empty()) {
        log.log(LogLevel::warning, "scanning without the extraction cache: neither XDG_CACHE_HOME nor HOME is "
                                   "set; give --cache-dir DIR");
        return nullptr;
    }
    for (const auto& path : options.paths) {
        if (!is_inside(folder, path)) continue;
        const auto problem = "the extraction cache folder " + folder + " is inside the export " + path +
                             ", and the scanner never writes into an export";
        if (chosen) throw ScanError(problem + "; give a --cache-dir outside it, or --no-cache");
        log.log(LogLevel::warning, problem + "; scanning without the cache (give a --cache-dir outside it)");
        return nullptr;
    }
    try {
        return std::make_unique<ExtractCache>(folder, options.cache_max_bytes);
    } catch (const std::runtime_error& error) {
        if (chosen) throw ScanError(error.what());
        log.log(LogLevel::warning, std::string(error.what()) + "; scanning without the cache");
        return nullptr;
    }
}

void log_cache_use(const ExtractCache& cache, Logger& log) {
    const auto counts = cache.counts();
    log.log(LogLevel::info, "extraction cache " + cache.folder() + ": " + std::to_string(counts.hits) + " hits, " +
                                std::to_string(counts.misses) + " misses, " + std::to_string(counts.invalid) +
                                " invalid entries replaced, " + std::to_string(counts.removed) +
                                " old entries removed");
    if (counts.write_failures > 0) {
        log.log(LogLevel::warning, std::to_string(counts.write_failures) +
                                       " extraction cache entries could not be written, the first because: " +
                                       cache.first_write_error());
    }
}

// Walks the export and extracts every evidence file into `index`.
void read_export(const ScanOptions& options, BuiltIndex& index, Logger& log) {
    const auto cache = open_cache(options, log);

    PoolOptions pool_options;
    pool_options.jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    pool_options.isolate = options.isolate;
    pool_options.extract_limits = options.extract_limits;
    pool_options.worker_limits = WorkerLimits{options.worker_memory_bytes, options.document_timeout};
    pool_options.cache = cache.get();
    pool_options.max_file_bytes = options.walk_limits.max_entry_bytes;
    pool_options.progress = options.progress;

    ExtractionPool pool(std::move(pool_options), index);
    WalkVisitor visitor;
    visitor.on_file = [&](EvidenceFile&& file) { pool.submit(std::move(file)); };
    visitor.on_record = [&](FileRecord&& record) { pool.record(std::move(record)); };
    if (cache) {
        visitor.is_known = [&pool](const std::string& identity, bool can_read_again) {
            return pool.knows(identity, can_read_again);
        };
    }
    try {
        walk(options.paths, options.walk_limits, visitor);
    } catch (const std::runtime_error& error) {
        throw ScanError(error.what());
    }
    pool.finish();

    if (options.isolate) {
        log.log(LogLevel::info, "started " + std::to_string(pool.workers_started()) + " extraction worker processes; " +
                                    std::to_string(pool.extractor_failures()) +
                                    " files stopped their extractor (crash, timeout or out of memory)");
    }
    if (cache) {
        cache->trim();
        log_cache_use(*cache, log);
    }
}

// Puts each disagreement between registers under the criterion its field
// serves (the rule pack's `field_criteria` table).
void attach_disagreements(const LoadedRulePack& rules, const Cohort& cohort,
                          const std::map<std::string, std::size_t>& position, std::vector<CriterionResult>& results,
                          Logger& log) {
    std::map<std::string, std::string> criterion_of;
    for (const auto& row : rules.table("field_criteria")) {
        if (row.count("field") && row.count("criterion")) criterion_of[row.at("field")] = row.at("criterion");
    }
    for (const auto& disagreement : cohort.disagreements) {
        const auto criterion = criterion_of.find(disagreement.field);
        const auto found = criterion == criterion_of.end() ? position.end() : position.find(criterion->second);
        if (found == position.end()) {
            log.log(LogLevel::warning, "registers disagree on " + disagreement.field +
                                           ", which no criterion in field_criteria claims; add it to a rules file");
            continue;
        }
        results[found->second].findings.push_back(disagreement.finding);
    }
}

// Every check of the scan, each with the criterion result it reports to.
struct CheckPlan {
    std::vector<CriterionResult> results;
    std::map<std::string, std::size_t> position;    // criterion id -> index in results
    std::vector<RuleCheck> rule_checks;             // owns the declarative checks
    std::vector<const Check*> checks;
    std::vector<std::size_t> result_of;             // for each check, its index in results
};

void plan_checks(CheckPlan& plan, const LoadedRulePack& rules, const PluginSet& plugins, Logger& log) {
    for (const auto& criterion : rules.criteria()) {
        plan.position[criterion.id] = plan.results.size();
        plan.results.push_back(CriterionResult{criterion, Status::pass, {}, {}});
    }
    for (const auto& plugin : plugins.loaded) {
        for (const auto& check : plugin.checks) {
            const auto id = check->criterion();
            if (!plan.position.count(id)) {
                log.log(LogLevel::warning, "plugin " + plugin.path + ": check " + check->name() +
                                               " is for unknown criterion " + id + "; add it to a rules file");
                plan.position[id] = plan.results.size();
                plan.results.push_back(CriterionResult{CriterionDefinition{id, 0, id, ""}, Status::pass, {}, {}});
            }
            plan.checks.push_back(check.get());
            plan.result_of.push_back(plan.position[id]);
        }
    }
    // The loader has checked that every declarative rule names a known criterion.
    plan.rule_checks.reserve(rules.checks().size());
    for (const auto& definition : rules.checks()) {
        plan.rule_checks.emplace_back(definition);
        plan.result_of.push_back(plan.position.at(definition.criterion));
    }
    for (const auto& check : plan.rule_checks) plan.checks.push_back(&check);
}

// Puts each check's findings under its criterion and decides each criterion's status.
std::vector<CriterionResult> evaluate(CheckPlan& plan, std::vector<std::vector<Finding>> findings,
                                      const LoadedRulePack& rules, const Cohort& cohort, Logger& log) {
    auto& results = plan.results;
    for (std::size_t i = 0; i < plan.checks.size(); ++i) {
        auto& result = results[plan.result_of[i]];
        result.checks.push_back(plan.checks[i]->name());
        for (auto& finding : findings[i]) result.findings.push_back(std::move(finding));
    }

    attach_disagreements(rules, cohort, plan.position, results, log);

    for (auto& result : results) {
        if (result.checks.empty()) {
            result.findings.push_back(Finding{Status::review, "",
                                              "no automatic check is installed for this criterion; "
                                              "a person must review its evidence",
                                              {}});
        } else if (result.findings.empty()) {
            result.findings.push_back(Finding{Status::missing, "", "the checks found no evidence to assess", {}});
        }
        result.status = Status::pass;
        for (const auto& finding : result.findings) result.status = worst(result.status, finding.status);
    }
    return std::move(results);
}

Grid read_compliance_grid(const EvidenceIndex& index, const LoadedRulePack& rules) {
    auto reading = read_grid(index, rules.criteria());
    auto grid = std::move(reading.grid);
    for (std::size_t i = 0; i < grid.rows.size() && i < reading.reasons.size(); ++i) {
        grid.rows[i].reason = reading.reasons[i];
    }
    if (!grid.path.empty()) grid.empty_criteria = std::move(reading.empty_criteria);
    const auto convention = check_folder(index, grid);
    grid.folder = convention.folder;
    grid.folder_message = convention.message;
    return grid;
}

std::string today() {
    const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return format_date(now);
}

}  // namespace

bool is_inside(const std::filesystem::path& inner, const std::filesystem::path& outer) {
    std::error_code error;
    const auto resolved_inner = std::filesystem::weakly_canonical(std::filesystem::absolute(inner, error), error);
    const auto resolved_outer = std::filesystem::weakly_canonical(std::filesystem::absolute(outer, error), error);
    auto part = resolved_inner.begin();
    for (const auto& outer_part : resolved_outer) {
        if (outer_part.empty()) continue;
        if (part == resolved_inner.end() || *part != outer_part) return false;
        ++part;
    }
    return true;
}

Report scan(const ScanOptions& options, Logger& log) {
    if (options.paths.empty()) throw ScanError("no export given: name the folder or the downloaded zip to scan");

    std::vector<std::string> rule_folders{builtin_rules_folder()};
    rule_folders.insert(rule_folders.end(), options.rule_folders.begin(), options.rule_folders.end());
    std::unique_ptr<LoadedRulePack> rules;
    try {
        rules = std::make_unique<LoadedRulePack>(rule_folders);
    } catch (const RuleError& error) {
        throw ScanError(std::string("invalid rules:\n") + error.what());
    }
    std::vector<Waiver> waivers;
    if (!options.waivers_path.empty()) {
        std::vector<std::string> criterion_ids;
        for (const auto& criterion : rules->criteria()) criterion_ids.push_back(criterion.id);
        try {
            waivers = load_waivers(options.waivers_path, criterion_ids);
        } catch (const WaiverError& error) {
            throw ScanError(std::string("invalid waivers:\n") + error.what());
        }
    }

    BuiltIndex index;
    read_export(options, index, log);
    index.finish();
    log.log(LogLevel::info, "read " + std::to_string(index.documents().size()) + " documents from " +
                                std::to_string(index.files().size()) + " files");

    const auto cohort = build_cohort(index, *rules);
    // A redacting logger learns the names here, before any check can log one.
    if (auto* redacting = dynamic_cast<RedactingLogger*>(&log)) redacting->set_names(cohort_names(cohort));
    log.log(LogLevel::info, "found " + std::to_string(cohort.trainees.size()) + " trainees, " +
                                std::to_string(cohort.mentors.size()) + " mentors and " +
                                std::to_string(cohort.schools.size()) + " schools in " +
                                std::to_string(cohort.registers.size()) + " registers");

    std::vector<std::string> plugin_folders{builtin_plugin_folder()};
    plugin_folders.insert(plugin_folders.end(), options.plugin_folders.begin(), options.plugin_folders.end());
    const auto plugins = load_plugins(plugin_folders, log);

    // The extraction threads freed most of what they allocated. Returning
    // those pages before the checks fork lowers the scanner's resident
    // memory, and check children allocate fresh pages instead of copying it.
    ::malloc_trim(0);

    const CheckContext context{index, cohort, *rules, log, options.inspection_date};

    CheckPlan plan;
    plan_checks(plan, *rules, plugins, log);
    RunOptions run_options;
    run_options.isolate = options.isolate;
    run_options.timeout = options.check_timeout;
    run_options.jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());

    Report report;
    report.tool_version = IQTS_VERSION;
    report.export_paths = options.paths;
    {
        // The first checks run in their children while this process reads
        // the required evidence and the grid, and checks that end
        // meanwhile are followed by the next.
        CheckRun run(plan.checks, context, run_options);
        report.evidence = find_required_evidence(index, *rules);
        run.poll();
        report.grid = read_compliance_grid(index, *rules);
        run.poll();
        report.criteria = evaluate(plan, run.finish(), *rules, cohort, log);
    }
    apply_waivers(report.criteria, waivers, options.inspection_date.empty() ? today() : options.inspection_date);
    if (!options.inspection_date.empty()) {
        try {
            report.deadline = compute_deadline(options.inspection_date, today(), index);
        } catch (const std::invalid_argument& error) {
            throw ScanError(std::string("--inspection-date: ") + error.what());
        }
    }
    report.files = index.files();
    report.plugins = plugins.records;
    report.registers = cohort.registers;
    report.register_problems = cohort.problems;
    for (const auto& [key, setting] : rules->settings()) report.settings.push_back({key, setting});
    return report;
}

}  // namespace iqts::host
