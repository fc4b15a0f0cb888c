#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "iqts/check.hpp"
#include "iqts/host/report.hpp"

namespace iqts::host {

// A plugin library whose ABI record matched and whose factory ran.
// `checks` must be destroyed before `library` unloads the code, so the
// member order matters.
struct LoadedPlugin {
    boost::dll::shared_library library;
    std::string path;
    std::string name;
    std::string version;
    std::vector<std::unique_ptr<Check>> checks;
};

struct PluginSet {
    std::vector<LoadedPlugin> loaded;
    std::vector<PluginRecord> records;   // every library seen, loaded or rejected, with the reason
};

// Loads every shared library (*.so) in `folders`, in name order. Reads each
// library's ABI record before calling anything in it, and rejects a library
// with no record, a wrong magic, another ABI version or compiler, or no
// factory, logging a warning that names the file, both versions and the fix.
// Never throws for a bad plugin.
PluginSet load_plugins(const std::vector<std::string>& folders, Logger& log);

// Returns the folder of built-in plugins next to the running executable.
std::string builtin_plugin_folder();

struct RunOptions {
    bool isolate = true;                           // run the check in a forked child
    std::chrono::milliseconds timeout{60'000};     // per check, when isolated
    std::size_t max_memory_bytes = 2ull << 30;     // address space of the child
    unsigned jobs = 1;                             // children running at once, when isolated
};

// Runs one check. When isolated, the check runs in a forked child that sends
// its findings back through a pipe. A crash, a timeout, an exception or
// malformed output becomes one `error` finding that names the check and the
// cause, so the function does not throw.
std::vector<Finding> run_check(const Check& check, const CheckContext& context, const RunOptions& options);

// Runs several checks as run_check does and returns their findings in the
// order of `checks`. Isolated checks run in up to options.jobs children at
// once, forked from the calling thread, which must be the only thread then
// running (a child of a threaded process can inherit a lock another thread
// holds). What the checks log reaches the logger in the order of `checks`.
std::vector<std::vector<Finding>> run_checks(const std::vector<const Check*>& checks, const CheckContext& context,
                                             const RunOptions& options);

// run_checks in two steps, so that the caller can do other work while the
// first children run. The constructor forks the first options.jobs
// children (isolated checks only); finish() runs the rest and returns the
// findings. The caller must not start threads in between, and `context`
// and the checks must outlive the run. Destroying an unfinished run stops
// its children.
class CheckRun {
public:
    CheckRun(std::vector<const Check*> checks, const CheckContext& context, RunOptions options);
    ~CheckRun();
    CheckRun(const CheckRun&) = delete;
    CheckRun& operator=(const CheckRun&) = delete;

    // Reads the outcome of every check that has ended and starts the next
    // ones, without waiting. Work done between calls overlaps the checks.
    void poll();

    std::vector<std::vector<Finding>> finish();

private:
    struct Children;
    void start_more();
    void take_finished();

    std::vector<const Check*> checks_;
    const CheckContext& context_;
    RunOptions options_;
    std::vector<std::vector<Finding>> findings_;
    std::unique_ptr<Children> children_;
    std::size_t next_ = 0;
};

}  // namespace iqts::host
