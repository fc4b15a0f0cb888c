#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "iqts/host/extract.hpp"

namespace iqts::host {

// Turns one evidence file into an Extraction. The scanner uses `extract`;
// tests pass extractors that crash or hang on purpose.
using ExtractFunction = std::function<Extraction(FileKind kind, const std::string& path, std::string_view bytes,
                                                 const ExtractLimits& limits)>;

struct WorkerLimits {
    // Address space, in bytes, that a worker may map beyond what it inherits
    // from the scanner when it is forked (RLIMIT_AS). 0 sets no limit.
    std::size_t max_memory_bytes = std::size_t{1} << 30;
    // Time one document may take, from sending it to the worker until its
    // result has arrived.
    std::chrono::milliseconds timeout{60'000};
};

// The outcome of extracting one file, in a worker or in this process.
struct WorkerResult {
    Extraction extraction;
    // False when the extractor crashed, timed out or ran out of memory, so
    // the outcome depends on more than the file's bytes and must not be cached.
    bool complete = true;
};

// A single-threaded helper process that forks the extraction workers.
// A fork copies every C library lock that another thread holds at that
// moment, and a worker forked straight from the multi-threaded scanner then
// waits on such a lock forever (glibc's tzset lock, taken by gmtime_r, did
// so in testing). The launcher is forked once, when it is constructed, and should be
// constructed before the scanner starts its threads; every worker is forked
// from it. It also reaps the workers, which are its children. Safe to use
// from several threads.
class WorkerLauncher {
public:
    WorkerLauncher(ExtractFunction function, ExtractLimits extract_limits, WorkerLimits limits);
    ~WorkerLauncher();

    WorkerLauncher(const WorkerLauncher&) = delete;
    WorkerLauncher& operator=(const WorkerLauncher&) = delete;

    // Forks a worker. Returns false with `error` set when it cannot.
    bool spawn(int& pid, int& socket, std::string& error);

    // Kills a worker (SIGKILL) and returns its wait status, which still
    // shows an earlier crash signal; -1 when it cannot be read.
    int stop(int pid);

    const WorkerLimits& limits() const { return limits_; }

private:
    WorkerLimits limits_;
    std::mutex mutex_;
    int pid_ = 0;
    int socket_ = -1;
    std::string error_;
};

// A long-lived worker process that extracts documents one after another, so
// that a parser crash, hang or memory blow-up on a hostile file ends only
// the worker. The worker is started on first use and again after it crashes
// or times out. The file it was reading then becomes `review` with the
// cause. Requests and results travel over a Unix socket pair: a request is a
// fixed header, the virtual path and the file's bytes; a result is one
// encode_extraction record. One thread uses one ExtractWorker at a time.
class ExtractWorker {
public:
    explicit ExtractWorker(WorkerLauncher& launcher) : launcher_(launcher) {}
    ~ExtractWorker();

    ExtractWorker(const ExtractWorker&) = delete;
    ExtractWorker& operator=(const ExtractWorker&) = delete;

    // Extracts one file in the worker, starting one first when none is
    // running. A crash, a timeout, a worker that cannot be started or a
    // malformed result becomes a `review` extraction with the reason and
    // `complete` false. Throws only std::bad_alloc, when this process runs
    // out of memory.
    WorkerResult extract(FileKind kind, const std::string& path, std::string_view bytes);

    // Process id of the running worker, or 0 when none runs.
    int pid() const { return pid_; }

    // Workers started so far, counting restarts.
    unsigned started() const { return started_; }

private:
    int stop();
    WorkerResult failure(const std::string& reason);

    WorkerLauncher& launcher_;
    int pid_ = 0;
    int socket_ = -1;
    unsigned started_ = 0;
};

// Runs `function` in this process (the --no-isolate mode). An out-of-memory
// error gets the same reason as in a worker, but no memory or time limit
// applies.
WorkerResult extract_in_process(const ExtractFunction& function, FileKind kind, const std::string& path,
                                std::string_view bytes, const ExtractLimits& extract_limits);

}  // namespace iqts::host
