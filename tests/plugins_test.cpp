#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "iqts/abi.hpp"
#include "iqts/host/evidence_index.hpp"
#include "iqts/host/plugins.hpp"
#include "iqts/host/rule_pack.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using iqts::Finding;
using iqts::Status;
using iqts::host::load_plugins;
using iqts::host::PluginRecord;
using iqts::host::PluginSet;
using iqts::host::run_check;
using iqts::host::RunOptions;
using testing::HasSubstr;
using testing::StartsWith;

// ---- What a check reads: an empty export and an empty rule pack.

class RecordingLogger : public iqts::Logger {
public:
    void log(iqts::LogLevel level, const std::string& message) override { entries.push_back({level, message}); }

    bool has(iqts::LogLevel level, const std::string& text) const {
        return std::any_of(entries.begin(), entries.end(), [&](const auto& entry) {
            return entry.first == level && entry.second.find(text) != std::string::npos;
        });
    }

    long count(iqts::LogLevel level) const {
        return std::count_if(entries.begin(), entries.end(), [&](const auto& entry) { return entry.first == level; });
    }

    std::vector<std::pair<iqts::LogLevel, std::string>> entries;
};

struct CheckInputs {
    iqts::host::BuiltIndex index;
    iqts::Cohort cohort;
    iqts::host::LoadedRulePack rules{{}};
    RecordingLogger log;
    iqts::CheckContext context{index, cohort, rules, log, "2026-12-04"};
};

// ---- The fixture plugins, loaded once for the whole test program.

std::string fixture_path(const std::string& name) { return std::string(IQTS_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

struct LoadedFixtures {
    RecordingLogger log;
    PluginSet plugins = load_plugins({IQTS_TEST_PLUGIN_DIR}, log);
};

const LoadedFixtures& fixtures() {
    static const LoadedFixtures loaded;
    return loaded;
}

const PluginRecord* record_of(const PluginSet& plugins, const std::string& path) {
    for (const auto& record : plugins.records) {
        if (record.path == path) return &record;
    }
    return nullptr;
}

std::string rejection_of(const std::string& fixture) {
    const auto* record = record_of(fixtures().plugins, fixture_path(fixture));
    if (!record) return "no record for " + fixture;
    if (record->status != "rejected") return fixture + " was not rejected";
    return record->reason;
}

const iqts::Check& check_named(const std::string& name) {
    for (const auto& plugin : fixtures().plugins.loaded) {
        for (const auto& check : plugin.checks) {
            if (check->name() == name) return *check;
        }
    }
    throw std::runtime_error("no fixture check named " + name);
}

// A small memory limit keeps the hoarding check from taking real memory.
RunOptions isolation(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    RunOptions options;
    options.timeout = timeout;
    options.max_memory_bytes = 256u << 20;
    return options;
}

std::vector<Finding> run_isolated(const std::string& name, CheckInputs& inputs) {
    return run_check(check_named(name), inputs.context, isolation());
}

// Returns the single finding's message, or a description of what came instead.
std::string only_message(const std::vector<Finding>& findings) {
    if (findings.size() != 1) return std::to_string(findings.size()) + " findings";
    return findings.front().message;
}

// Sends file descriptor 1 into a pipe until `finish` and returns what arrived.
class StdoutCapture {
public:
    StdoutCapture() {
        std::fflush(stdout);
        if (::pipe(fds_) != 0) throw std::runtime_error("pipe failed");
        saved_ = ::dup(STDOUT_FILENO);
        ::dup2(fds_[1], STDOUT_FILENO);
        ::close(fds_[1]);
    }

    std::string finish() {
        std::fflush(stdout);
        ::dup2(saved_, STDOUT_FILENO);
        ::close(saved_);

        std::string captured;
        char buffer[4096];
        for (ssize_t got; (got = ::read(fds_[0], buffer, sizeof buffer)) > 0;) captured.append(buffer, got);
        ::close(fds_[0]);
        return captured;
    }

private:
    int fds_[2] = {-1, -1};
    int saved_ = -1;
};

// ---- Loading.

TEST(LoadPlugins, LoadsGoodPlugin) {
    const auto* record = record_of(fixtures().plugins, fixture_path("good"));
    ASSERT_NE(record, nullptr);
    EXPECT_EQ(record->status, "loaded");
    EXPECT_EQ(record->name, "good");
    EXPECT_EQ(record->version, "1.2.3");
    EXPECT_EQ(record->reason, "");
    EXPECT_EQ(record->criteria, (std::vector<std::string>{"C1.1", "C1.2", "C1.4", "C1.4"}));
}

TEST(LoadPlugins, LoadsOnlyPluginsThatPassEveryCheck) {
    std::vector<std::string> names;
    for (const auto& plugin : fixtures().plugins.loaded) names.push_back(plugin.name);
    EXPECT_EQ(names, (std::vector<std::string>{"faulty", "good"}));
}

TEST(LoadPlugins, RecordsEveryLibraryInNameOrder) {
    std::vector<std::string> files;
    for (const auto& record : fixtures().plugins.records) files.push_back(fs::path(record.path).filename());
    EXPECT_EQ(files, (std::vector<std::string>{"faulty.so", "good.so", "no_factory.so", "no_record.so",
                                               "not_a_library.so", "throwing_factory.so", "wrong_abi.so",
                                               "wrong_compiler.so", "wrong_magic.so"}));
}

TEST(LoadPlugins, RejectsOtherAbiVersion) {
    EXPECT_EQ(rejection_of("wrong_abi"),
              fixture_path("wrong_abi") + ": built for iqts-sdk ABI 2 (SDK 9.9.9), this iqts-scan uses ABI " +
                  std::to_string(IQTS_ABI_VERSION) + " (SDK " IQTS_SDK_VERSION
                  "); rebuild the plugin against this SDK (find_package(iqts-sdk)) and reinstall it");
}

TEST(LoadPlugins, RejectsOtherCompiler) {
    const auto reason = rejection_of("wrong_compiler");
    EXPECT_THAT(reason, StartsWith(fixture_path("wrong_compiler") + ": built with compiler msvc-19.38"));
    EXPECT_THAT(reason, HasSubstr("this iqts-scan was built with " IQTS_COMPILER_ID));
    EXPECT_THAT(reason, HasSubstr("rebuild the plugin against this SDK"));
}

TEST(LoadPlugins, RejectsWrongMagic) {
    EXPECT_THAT(rejection_of("wrong_magic"),
                StartsWith("invalid ABI record: magic is 0x46464952, expected 0x53545149"));
}

TEST(LoadPlugins, RejectsLibraryWithoutAbiRecord) {
    EXPECT_EQ(rejection_of("no_record"),
              "no ABI record (iqts_abi_record): not an iqts-scan plugin, or built without IQTS_PLUGIN");
}

TEST(LoadPlugins, RejectsLibraryWithoutFactory) {
    EXPECT_THAT(rejection_of("no_factory"), StartsWith("no factory (iqts_register_checks)"));
}

TEST(LoadPlugins, RejectsFactoryThatThrows) {
    EXPECT_EQ(rejection_of("throwing_factory"),
              "the factory (iqts_register_checks) threw: rule pack version 3 is not supported");
}

TEST(LoadPlugins, RejectsFileThatIsNotLibrary) {
    const auto reason = rejection_of("not_a_library");
    EXPECT_THAT(reason, StartsWith("cannot load the library: " + fixture_path("not_a_library") + ": "));
}

TEST(LoadPlugins, RejectsMissingFolder) {
    RecordingLogger log;
    const auto plugins = load_plugins({"/nonexistent/iqts/plugins"}, log);
    ASSERT_EQ(plugins.records.size(), 1u);
    EXPECT_EQ(plugins.records[0].status, "rejected");
    EXPECT_EQ(plugins.records[0].reason, "plugin folder not found: /nonexistent/iqts/plugins");
    EXPECT_TRUE(plugins.loaded.empty());
}

TEST(LoadPlugins, LogsEachRejectionAsWarning) {
    EXPECT_EQ(fixtures().log.count(iqts::LogLevel::warning), 7);
    EXPECT_TRUE(fixtures().log.has(iqts::LogLevel::warning, fixture_path("no_record") + ": no ABI record"));
}

TEST(LoadPlugins, LogsEachLoadAsInfo) {
    EXPECT_TRUE(fixtures().log.has(iqts::LogLevel::info,
                                   "loaded plugin good 1.2.3 from " + fixture_path("good") + ": 4 checks"));
    EXPECT_TRUE(fixtures().log.has(iqts::LogLevel::info, "loaded plugin faulty 0.0.1"));
}

TEST(BuiltinPluginFolder, SitsBesideExecutableFolder) {
    EXPECT_EQ(iqts::host::builtin_plugin_folder(), fs::path(IQTS_PLUGIN_DIR).lexically_normal().string());
}

// ---- Running a check in a child process.

TEST(RunCheck, IsolatedCheckReturnsItsFindings) {
    CheckInputs inputs;
    const auto findings = run_isolated("steady", inputs);
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0].status, Status::pass);
    EXPECT_EQ(findings[0].message, "register found");
    EXPECT_TRUE(findings[0].evidence.empty());
    EXPECT_EQ(findings[1].status, Status::fail);
    EXPECT_EQ(findings[1].subject, "T006");
    EXPECT_EQ(findings[1].message, "IELTS overall 6.0 is below 6.5");
    ASSERT_EQ(findings[1].evidence.size(), 2u);
    EXPECT_EQ(findings[1].evidence[0].path, "export.zip!/Trainee register.xlsx");
    EXPECT_EQ(findings[1].evidence[0].location, "Trainees!M10");
    EXPECT_EQ(findings[1].evidence[1].path, "policy.pdf");
    EXPECT_EQ(findings[1].evidence[1].location, "page 2");
}

TEST(RunCheck, IsolatedCheckLogsThroughHostLogger) {
    CheckInputs inputs;
    run_isolated("steady", inputs);
    EXPECT_TRUE(inputs.log.has(iqts::LogLevel::info, "steady check read 0 documents"));
}

TEST(RunCheck, ReturnsOutputLargerThanPipe) {
    CheckInputs inputs;
    const auto findings = run_isolated("bulk", inputs);
    ASSERT_EQ(findings.size(), 20000u);
    EXPECT_EQ(findings.back().subject, "T19999");
    EXPECT_EQ(findings.back().message, "placement hours recorded for trainee 19999");
}

TEST(RunCheck, IsolatedCheckKeepsUtf8Text) {
    CheckInputs inputs;
    const auto findings = run_isolated("utf8", inputs);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].subject, "Zo\u00eb \u0141\u00f3d\u017a");
    EXPECT_EQ(findings[0].message, "caf\u00e9 \u2013 \U0001F600");
}

// Bytes that are not UTF-8 arrive as the Latin-1 characters they would be,
// so the report stays valid UTF-8 and the check's findings are kept.
TEST(RunCheck, IsolatedCheckReadsInvalidUtf8AsLatin1) {
    CheckInputs inputs;
    EXPECT_EQ(only_message(run_isolated("not-utf8", inputs)), "caf\u00e9 and \u00ff\u00fe bytes");
}

TEST(RunCheck, SegmentationFaultBecomesErrorFinding) {
    CheckInputs inputs;
    const auto findings = run_isolated("segfault", inputs);
    EXPECT_EQ(only_message(findings), "check segfault for C2.1 crashed (signal 11: Segmentation fault)");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].status, Status::error);
    EXPECT_EQ(findings[0].subject, "");
}

TEST(RunCheck, AbortBecomesErrorFinding) {
    CheckInputs inputs;
    EXPECT_EQ(only_message(run_isolated("abort", inputs)), "check abort for C2.2 crashed (signal 6: Aborted)");
}

TEST(RunCheck, ExceptionBecomesErrorFinding) {
    CheckInputs inputs;
    EXPECT_EQ(only_message(run_isolated("throw", inputs)),
              "check throw for C2.3 threw: register column 'Overall' not found");
}

TEST(RunCheck, NonStandardExceptionBecomesErrorFinding) {
    CheckInputs inputs;
    EXPECT_EQ(only_message(run_isolated("throw-integer", inputs)),
              "check throw-integer for C2.4 threw: an exception that is not a std::exception");
}

TEST(RunCheck, InfiniteLoopTimesOut) {
    CheckInputs inputs;
    const auto findings = run_check(check_named("infinite-loop"), inputs.context, isolation(std::chrono::seconds(1)));
    EXPECT_EQ(only_message(findings),
              "check infinite-loop for C2.5 timed out after 1 s; raise --check-timeout");
}

TEST(RunCheck, UnboundedAllocationRunsOutOfMemory) {
    CheckInputs inputs;
    EXPECT_EQ(only_message(run_isolated("unbounded-allocation", inputs)),
              "check unbounded-allocation for C2.6 ran out of memory (limit 256 MiB)");
}

TEST(RunCheck, ExitWithoutFindingsBecomesErrorFinding) {
    CheckInputs inputs;
    EXPECT_EQ(only_message(run_isolated("exit", inputs)),
              "check exit for C2.8 exited with status 3 without returning findings");
}

TEST(RunCheck, StdoutOfCheckIsDiscarded) {
    CheckInputs inputs;
    StdoutCapture capture;
    const auto findings = run_isolated("stdout", inputs);
    EXPECT_EQ(capture.finish(), "");
    EXPECT_EQ(only_message(findings), "printed and passed");
}

TEST(RunCheck, FailedCheckIsLoggedAsError) {
    CheckInputs inputs;
    run_isolated("abort", inputs);
    EXPECT_TRUE(inputs.log.has(iqts::LogLevel::error, "check abort for C2.2 crashed"));
}

TEST(RunCheck, GoodCheckRunsAfterEveryFaultyCheck) {
    CheckInputs inputs;
    std::vector<Finding> steady;
    int errors = 0;
    for (const auto& plugin : fixtures().plugins.loaded) {
        for (const auto& check : plugin.checks) {
            const auto findings = run_check(*check, inputs.context, isolation(std::chrono::seconds(2)));
            if (check->name() == "steady") steady = findings;
            if (plugin.name == "faulty" && findings.size() == 1 && findings[0].status == Status::error) ++errors;
        }
    }
    EXPECT_EQ(errors, 7);
    EXPECT_EQ(steady.size(), 2u);
}

TEST(RunChecks, ParallelMatchesSequential) {
    CheckInputs inputs;
    std::vector<const iqts::Check*> checks;
    for (const auto& plugin : fixtures().plugins.loaded) {
        for (const auto& check : plugin.checks) checks.push_back(check.get());
    }
    auto options = isolation(std::chrono::seconds(2));
    options.jobs = 2;

    const auto together = iqts::host::run_checks(checks, inputs.context, options);

    ASSERT_EQ(together.size(), checks.size());
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto alone = run_check(*checks[i], inputs.context, isolation(std::chrono::seconds(2)));
        ASSERT_EQ(together[i].size(), alone.size()) << checks[i]->name();
        for (std::size_t j = 0; j < alone.size(); ++j) {
            EXPECT_EQ(together[i][j].message, alone[j].message) << checks[i]->name();
        }
    }
}

// A check that leaves a file behind when it runs, so that a test can tell
// which checks have started.
class MarkingCheck : public iqts::Check {
public:
    explicit MarkingCheck(fs::path marker) : marker_(std::move(marker)) {}
    std::string criterion() const override { return "C1.1"; }
    std::string name() const override { return "marking"; }
    std::vector<Finding> run(const iqts::CheckContext&) const override {
        std::ofstream(marker_) << "ran";
        return {Finding{Status::pass, marker_.filename().string(), "ran", {}}};
    }

private:
    fs::path marker_;
};

TEST(RunChecks, PollStartsNextCheck) {
    CheckInputs inputs;
    const iqts::test::TempDir work;
    const MarkingCheck first(work / "first");
    const MarkingCheck second(work / "second");
    auto options = isolation(std::chrono::seconds(10));
    options.jobs = 1;

    iqts::host::CheckRun run({&first, &second}, inputs.context, options);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!fs::exists(work / "second") && std::chrono::steady_clock::now() < give_up) {
        run.poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const bool second_ran_before_finish = fs::exists(work / "second");
    const auto findings = run.finish();

    EXPECT_TRUE(second_ran_before_finish);
    ASSERT_EQ(findings.size(), 2u);
    ASSERT_EQ(findings[0].size(), 1u);
    ASSERT_EQ(findings[1].size(), 1u);
    EXPECT_EQ(findings[0][0].subject, "first");
    EXPECT_EQ(findings[1][0].subject, "second");
}

// ---- Running a check in the host's own process, for debugging.

TEST(RunCheck, InProcessCheckReturnsItsFindings) {
    CheckInputs inputs;
    RunOptions options;
    options.isolate = false;
    const auto findings = run_check(check_named("steady"), inputs.context, options);
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[1].subject, "T006");
}

TEST(RunCheck, InProcessCheckReadsInvalidUtf8AsLatin1) {
    CheckInputs inputs;
    RunOptions options;
    options.isolate = false;
    EXPECT_EQ(only_message(run_check(check_named("not-utf8"), inputs.context, options)),
              "caf\u00e9 and \u00ff\u00fe bytes");
}

TEST(RunCheck, InProcessExceptionBecomesErrorFinding) {
    CheckInputs inputs;
    RunOptions options;
    options.isolate = false;
    const auto findings = run_check(check_named("throw"), inputs.context, options);
    EXPECT_EQ(only_message(findings), "check throw for C2.3 threw: register column 'Overall' not found");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].status, Status::error);
}

// ---- A plugin built out of tree against the installed SDK.

// Runs `arguments` through the shell with the output sent to `log`, and
// returns an empty string on success or the step's name and output.
std::string run_step(const std::string& step, const std::vector<std::string>& arguments, const fs::path& log) {
    std::string command;
    for (const auto& argument : arguments) command += iqts::test::shell_quote(argument) + " ";
    command += "> " + iqts::test::shell_quote(log.string()) + " 2>&1";
    if (iqts::test::run_command(command) == 0) return {};
    return step + " failed:\n" + iqts::test::read_file(log);
}

// Installs the SDK into work/prefix and builds the consumer project against
// it into work/plugins. Returns an empty string, or the failed step's output.
std::string build_consumer(const fs::path& work, const std::vector<std::string>& extra_options) {
    const auto prefix = (work / "prefix").string();
    const auto build = (work / "build").string();
    const auto log = work / "step.log";

    auto failure = run_step("install", {IQTS_CMAKE_COMMAND, "--install", IQTS_BINARY_DIR, "--prefix", prefix,
                                        "--component", "sdk"}, log);
    if (!failure.empty()) return failure;

    std::vector<std::string> configure = {IQTS_CMAKE_COMMAND,
                                          "-S", IQTS_SDK_CONSUMER_DIR,
                                          "-B", build,
                                          "-G", IQTS_CMAKE_GENERATOR,
                                          "-DCMAKE_MAKE_PROGRAM=" IQTS_CMAKE_MAKE_PROGRAM,
                                          "-DCMAKE_CXX_COMPILER=" IQTS_CXX_COMPILER,
                                          "-DCMAKE_BUILD_TYPE=Release",
                                          "-DCMAKE_PREFIX_PATH=" + prefix,
                                          "-DCMAKE_LIBRARY_OUTPUT_DIRECTORY=" + (work / "plugins").string()};
    configure.insert(configure.end(), extra_options.begin(), extra_options.end());
    failure = run_step("configure", configure, log);
    if (!failure.empty()) return failure;

    // Only the installed package may satisfy find_package, never the source tree.
    const auto cache = iqts::test::read_file(fs::path(build) / "CMakeCache.txt");
    if (cache.find("iqts-sdk_DIR:PATH=" + prefix + "/") == std::string::npos) {
        return "the consumer did not find the SDK installed in " + prefix;
    }

    return run_step("build", {IQTS_CMAKE_COMMAND, "--build", build}, log);
}

TEST(SdkInstall, OutOfTreePluginLoadsAndRuns) {
    const iqts::test::TempDir work;
    ASSERT_EQ(build_consumer(work.path(), {}), "");

    RecordingLogger log;
    const auto plugins = load_plugins({(work / "plugins").string()}, log);
    ASSERT_EQ(plugins.records.size(), 1u);
    EXPECT_EQ(plugins.records[0].reason, "");
    EXPECT_EQ(plugins.records[0].status, "loaded");
    EXPECT_EQ(plugins.records[0].name, "sdk-consumer");
    EXPECT_EQ(plugins.records[0].criteria, (std::vector<std::string>{"C3.4"}));

    ASSERT_EQ(plugins.loaded.size(), 1u);
    ASSERT_EQ(plugins.loaded[0].checks.size(), 1u);
    CheckInputs inputs;
    const auto findings = run_check(*plugins.loaded[0].checks[0], inputs.context, RunOptions{});
    EXPECT_EQ(only_message(findings), "0 documents in the export");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].status, Status::missing);
}

TEST(SdkInstall, PluginBuiltForOtherAbiIsRejected) {
    const iqts::test::TempDir work;
    ASSERT_EQ(build_consumer(work.path(), {"-DIQTS_TEST_ABI_OVERRIDE=ON"}), "");

    RecordingLogger log;
    const auto plugins = load_plugins({(work / "plugins").string()}, log);
    const auto library = (work / "plugins" / "consumer_check.so").string();
    ASSERT_EQ(plugins.records.size(), 1u);
    EXPECT_EQ(plugins.records[0].status, "rejected");
    EXPECT_EQ(plugins.records[0].reason,
              library + ": built for iqts-sdk ABI 99 (SDK " IQTS_SDK_VERSION "), this iqts-scan uses ABI " +
                  std::to_string(IQTS_ABI_VERSION) + " (SDK " IQTS_SDK_VERSION
                  "); rebuild the plugin against this SDK (find_package(iqts-sdk)) and reinstall it");
    EXPECT_TRUE(plugins.loaded.empty());
}

}  // namespace
