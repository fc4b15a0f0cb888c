#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <string_view>
#include <variant>
#include <vector>

#include "byte_codec.hpp"
#include "iqts/host/plugins.hpp"
#include "iqts/host/text_encoding.hpp"

namespace iqts::host {
namespace {

using Clock = std::chrono::steady_clock;

// A child that sends more than this many bytes is stopped, so that a runaway
// check cannot exhaust the host's memory through the pipe.
constexpr std::size_t max_output_bytes = 256u << 20;

// The kind of record a child sends through its pipe to its parent. A record
// is this byte, then the body, then the log (u32 count of level byte and
// message), except for `out_of_memory`, which is the byte alone. Strings are
// a u32 length and the bytes (byte_codec.hpp).
//   findings: u32 count, each a status byte, subject, message, and a u32
//             count of path and location pairs
//   threw:    the exception's message
enum class RecordKind : std::uint8_t { findings = 1, threw = 2, out_of_memory = 3 };

// Written without allocating, because the heap is exhausted when it is needed.
constexpr char out_of_memory_record[] = {static_cast<char>(RecordKind::out_of_memory)};

constexpr std::string_view unknown_exception_message = "an exception that is not a std::exception";

struct LogEntry {
    LogLevel level;
    std::string message;
};

// Keeps what a check logs inside the child, so the parent can pass it on to
// the host's logger.
class RecordingLogger : public Logger {
public:
    void log(LogLevel level, const std::string& message) override { entries.push_back({level, message}); }

    std::vector<LogEntry> entries;
};

constexpr LogLevel log_levels[] = {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error};
constexpr Status statuses[] = {Status::pass, Status::waived, Status::review,
                               Status::missing, Status::fail, Status::error};

std::string describe(const Check& check) {
    try {
        return "check " + check.name() + " for " + check.criterion();
    } catch (...) {
        return "a check whose name cannot be read";
    }
}

Finding error_finding(const Check& check, const CheckContext& context, const std::string& cause) {
    Finding finding;
    finding.status = Status::error;
    finding.message = describe(check) + " " + cause;
    context.log.log(LogLevel::error, finding.message);
    return finding;
}

std::string seconds_text(std::chrono::milliseconds duration) {
    const auto milliseconds = duration.count();
    if (milliseconds % 1000 == 0) return std::to_string(milliseconds / 1000) + " s";

    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(milliseconds) / 1000.0);
    std::string trimmed(text);
    trimmed.erase(trimmed.find_last_not_of('0') + 1);
    return trimmed + " s";
}

std::string mebibytes_text(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// ---- The child's side: run the check and write one binary record to the pipe.

void write_log(ByteWriter& writer, const std::vector<LogEntry>& log) {
    writer.count(log.size());
    for (const auto& entry : log) {
        writer.u8(static_cast<std::uint8_t>(entry.level));
        writer.string(entry.message);
    }
}

std::string findings_record(const std::vector<Finding>& findings, const std::vector<LogEntry>& log) {
    ByteWriter writer;
    writer.u8(static_cast<std::uint8_t>(RecordKind::findings));
    writer.count(findings.size());
    for (const auto& finding : findings) {
        writer.u8(static_cast<std::uint8_t>(finding.status));
        writer.string(finding.subject);
        writer.string(finding.message);
        writer.count(finding.evidence.size());
        for (const auto& item : finding.evidence) {
            writer.string(item.path);
            writer.string(item.location);
        }
    }
    write_log(writer, log);
    return std::move(writer.out());
}

std::string threw_record(std::string_view what, const std::vector<LogEntry>& log) {
    ByteWriter writer;
    writer.u8(static_cast<std::uint8_t>(RecordKind::threw));
    writer.string(what);
    write_log(writer, log);
    return std::move(writer.out());
}

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto written = ::write(fd, data.data(), data.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(written));
    }
}

void limit_address_space(std::size_t bytes) {
    if (bytes == 0) return;
    rlimit limit{};
    if (::getrlimit(RLIMIT_AS, &limit) != 0) return;
    const auto requested = static_cast<rlim_t>(bytes);
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? requested : std::min(requested, limit.rlim_max);
    limit.rlim_max = limit.rlim_cur;
    ::setrlimit(RLIMIT_AS, &limit);
}

// Sends stdout to /dev/null, because the host writes its report to stdout and
// a check's stray output must not end up in it.
void silence_stdout() {
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) {
        ::close(STDOUT_FILENO);
        return;
    }
    ::dup2(null, STDOUT_FILENO);
    ::close(null);
}

[[noreturn]] void run_in_child(const Check& check, const CheckContext& context, const RunOptions& options,
                               int fd) {
    limit_address_space(options.max_memory_bytes);
    silence_stdout();

    try {
        RecordingLogger logger;
        const CheckContext child_context{context.index, context.cohort, context.rules, logger,
                                         context.inspection_date};
        std::string record;
        try {
            record = findings_record(check.run(child_context), logger.entries);
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& exception) {
            record = threw_record(exception.what(), logger.entries);
        } catch (...) {
            record = threw_record(unknown_exception_message, logger.entries);
        }
        write_all(fd, record);
    } catch (const std::bad_alloc&) {
        write_all(fd, std::string_view(out_of_memory_record, sizeof out_of_memory_record));
    } catch (...) {
        // Only the record itself can fail here; the parent reports a child
        // that sent nothing.
    }
    // _exit skips atexit handlers and leaves the stdio buffers copied from
    // the parent unflushed.
    ::_exit(0);
}

// ---- The parent's side: collect the record, reap the child, read the outcome.

struct ChildOutcome {
    std::string output;
    bool timed_out = false;
    bool output_too_large = false;
    bool reaped = false;
    int wait_status = 0;
};

void kill_and_reap(pid_t pid, ChildOutcome& outcome) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &outcome.wait_status, 0) < 0 && errno == EINTR) {
    }
}

// A check running in a forked child, and what has come back from it.
struct RunningChild {
    std::size_t slot = 0;          // the check's position in the batch
    pid_t pid = -1;
    int fd = -1;                   // read end of the child's pipe
    Clock::time_point deadline;
    bool pipe_open = true;
    bool done = false;
    ChildOutcome outcome;
};

void finish_child(RunningChild& child) {
    child.done = true;
    ::close(child.fd);
    child.fd = -1;
}

// Reads what one child has sent since the last call. A child that sends
// too much is stopped.
void read_from(RunningChild& child) {
    char buffer[1 << 16];
    const auto got = ::read(child.fd, buffer, sizeof buffer);
    if (got > 0) {
        child.outcome.output.append(buffer, static_cast<std::size_t>(got));
        if (child.outcome.output.size() > max_output_bytes) {
            child.outcome.output_too_large = true;
            kill_and_reap(child.pid, child.outcome);
            finish_child(child);
        }
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        child.pipe_open = false;
    }
}

// Reads the children's output until each closes its pipe, then waits for it
// to exit, each before its own deadline. Reading while the children write
// keeps a large record from filling a pipe and blocking both sides. Returns
// as soon as at least one child is done, or when none is running. With
// `block` false it also returns after one look at the pipes, without waiting.
void collect(std::vector<RunningChild>& children, bool block) {
    const auto done_count = [&] {
        return std::count_if(children.begin(), children.end(), [](const RunningChild& child) { return child.done; });
    };
    const auto done_before = done_count();
    for (;;) {
        std::vector<pollfd> ready;
        std::vector<RunningChild*> polled;
        auto wait = std::chrono::milliseconds(1000);
        bool running = false;
        for (auto& child : children) {
            if (child.done) continue;
            const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(child.deadline - Clock::now());
            if (remaining.count() <= 0) {
                child.outcome.timed_out = true;
                kill_and_reap(child.pid, child.outcome);
                finish_child(child);
                continue;
            }
            if (!child.pipe_open) {
                // The pipe is closed, so the child is about to exit or has exited.
                const pid_t reaped = ::waitpid(child.pid, &child.outcome.wait_status, WNOHANG);
                if (reaped == child.pid) {
                    child.outcome.reaped = true;
                    finish_child(child);
                    continue;
                }
                if (reaped < 0 && errno != EINTR) {
                    // No child to wait for (SIGCHLD ignored): judge by the output alone.
                    finish_child(child);
                    continue;
                }
                wait = std::min(wait, std::chrono::milliseconds(1));
            } else {
                ready.push_back(pollfd{child.fd, POLLIN, 0});
                polled.push_back(&child);
            }
            wait = std::min(wait, remaining);
            running = true;
        }
        if (!running || done_count() > done_before) return;

        const int count = ::poll(ready.data(), ready.size(), block ? static_cast<int>(wait.count()) : 0);
        for (std::size_t i = 0; count > 0 && i < ready.size(); ++i) {
            if (ready[i].revents != 0) read_from(*polled[i]);
        }
        if (!block) return;
    }
}

Status status_from(std::uint8_t value, ByteReader& reader) {
    for (const auto status : statuses) {
        if (static_cast<std::uint8_t>(status) == value) return status;
    }
    reader.fail("unknown status " + std::to_string(value));
}

LogLevel level_from(std::uint8_t value, ByteReader& reader) {
    for (const auto level : log_levels) {
        if (static_cast<std::uint8_t>(level) == value) return level;
    }
    reader.fail("unknown log level " + std::to_string(value));
}

// Returns `text` with each byte that does not start a well-formed UTF-8
// sequence read as the Latin-1 character of the same value, so that what a
// check wrote in another encoding stays legible and the report valid UTF-8.
std::string as_utf8(std::string text) {
    if (is_valid_utf8(text)) return text;
    std::string converted;
    converted.reserve(text.size() + text.size() / 4);
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 2;
        if (byte < 0x80) {
            length = 1;
        } else if (byte >= 0xf0) {
            length = 4;
        } else if (byte >= 0xe0) {
            length = 3;
        }
        if (length <= text.size() - i && is_valid_utf8(std::string_view(text).substr(i, length))) {
            converted.append(text, i, length);
            i += length;
            continue;
        }
        converted += static_cast<char>(0xc0 | (byte >> 6));
        converted += static_cast<char>(0x80 | (byte & 0x3f));
        ++i;
    }
    return converted;
}

// Reads a string of a record, converted by as_utf8.
std::string text(ByteReader& reader, const char* what) { return as_utf8(reader.string(what)); }

// Reads the log at the end of a record and checks that nothing follows it.
std::vector<LogEntry> read_log(ByteReader& reader) {
    std::vector<LogEntry> log(reader.count("log entries"));
    for (auto& entry : log) {
        entry.level = level_from(reader.u8("log level"), reader);
        entry.message = text(reader, "log message");
    }
    if (reader.remaining() != 0) reader.fail(std::to_string(reader.remaining()) + " bytes after the log");
    return log;
}

// Reads the findings of a `findings` record, after its kind byte.
std::vector<Finding> read_findings(ByteReader& reader) {
    std::vector<Finding> findings(reader.count("findings"));
    for (auto& finding : findings) {
        finding.status = status_from(reader.u8("status"), reader);
        finding.subject = text(reader, "subject");
        finding.message = text(reader, "message");
        finding.evidence.resize(reader.count("evidence"));
        for (auto& item : finding.evidence) {
            item.path = text(reader, "evidence path");
            item.location = text(reader, "evidence location");
        }
    }
    return findings;
}

std::vector<Finding> read_outcome(const Check& check, const CheckContext& context, const RunOptions& options,
                                  const ChildOutcome& outcome) {
    if (outcome.timed_out) {
        return {error_finding(check, context,
                              "timed out after " + seconds_text(options.timeout) + "; raise --check-timeout")};
    }
    if (outcome.output_too_large) {
        return {error_finding(check, context,
                              "returned more than " + mebibytes_text(max_output_bytes) + " of output")};
    }
    if (outcome.reaped && WIFSIGNALED(outcome.wait_status)) {
        const int signal = WTERMSIG(outcome.wait_status);
        const char* name = ::strsignal(signal);
        return {error_finding(check, context,
                              "crashed (signal " + std::to_string(signal) + ": " + (name ? name : "unknown") + ")")};
    }
    if (outcome.output.empty()) {
        const int code = outcome.reaped && WIFEXITED(outcome.wait_status) ? WEXITSTATUS(outcome.wait_status) : 0;
        return {error_finding(check, context,
                              "exited with status " + std::to_string(code) + " without returning findings")};
    }

    try {
        ByteReader reader(outcome.output, "check record");
        const auto kind = reader.u8("record kind");
        if (kind == static_cast<std::uint8_t>(RecordKind::out_of_memory) && reader.remaining() == 0) {
            return {error_finding(check, context,
                                  "ran out of memory (limit " + mebibytes_text(options.max_memory_bytes) + ")")};
        }
        if (kind == static_cast<std::uint8_t>(RecordKind::threw)) {
            const auto what = text(reader, "exception message");
            for (const auto& entry : read_log(reader)) context.log.log(entry.level, entry.message);
            return {error_finding(check, context, "threw: " + what)};
        }
        if (kind == static_cast<std::uint8_t>(RecordKind::findings)) {
            auto findings = read_findings(reader);
            // The log is passed on only when the whole record reads well.
            for (const auto& entry : read_log(reader)) context.log.log(entry.level, entry.message);
            return findings;
        }
    } catch (const ByteCodecError&) {
    }
    return {error_finding(check, context, "returned malformed output")};
}

// Forks a child that runs `check` and sends its record through a pipe.
// Returns the child, or the error finding when it could not start.
std::variant<RunningChild, Finding> start_child(const Check& check, const CheckContext& context,
                                                const RunOptions& options) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return error_finding(check, context, std::string("could not start: pipe failed: ") + std::strerror(errno));
    }

    // Anything buffered now would otherwise be written twice, once by each process.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(stdout);
    std::fflush(stderr);

    RunningChild child;
    child.deadline = Clock::now() + options.timeout;
    child.pid = ::fork();
    if (child.pid < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        return error_finding(check, context, std::string("could not start: fork failed: ") + std::strerror(error));
    }
    if (child.pid == 0) {
        ::close(fds[0]);
        run_in_child(check, context, options, fds[1]);
    }
    ::close(fds[1]);
    child.fd = fds[0];
    return child;
}

std::vector<Finding> run_in_process(const Check& check, const CheckContext& context) {
    try {
        auto findings = check.run(context);
        // Converted as a child's record is, so both modes report the same text.
        for (auto& finding : findings) {
            finding.subject = as_utf8(std::move(finding.subject));
            finding.message = as_utf8(std::move(finding.message));
            for (auto& item : finding.evidence) {
                item.path = as_utf8(std::move(item.path));
                item.location = as_utf8(std::move(item.location));
            }
        }
        return findings;
    } catch (const std::exception& exception) {
        return {error_finding(check, context, std::string("threw: ") + exception.what())};
    } catch (...) {
        return {error_finding(check, context, "threw: an exception that is not a std::exception")};
    }
}

}  // namespace

struct CheckRun::Children {
    std::vector<RunningChild> running;
    std::vector<std::vector<LogEntry>> logs;    // what each check logged, by its position
};

CheckRun::CheckRun(std::vector<const Check*> checks, const CheckContext& context, RunOptions options)
    : checks_(std::move(checks)), context_(context), options_(options), findings_(checks_.size()),
      children_(std::make_unique<Children>()) {
    if (options_.isolate) start_more();
}

CheckRun::~CheckRun() {
    for (auto& child : children_->running) {
        if (child.done) continue;
        kill_and_reap(child.pid, child.outcome);
        finish_child(child);
    }
}

// Forks children for the next checks until options.jobs are running.
void CheckRun::start_more() {
    const std::size_t jobs = std::max(1u, options_.jobs);
    while (next_ < checks_.size() && children_->running.size() < jobs) {
        auto started = start_child(*checks_[next_], context_, options_);
        if (auto* child = std::get_if<RunningChild>(&started)) {
            child->slot = next_;
            children_->running.push_back(std::move(*child));
        } else {
            findings_[next_] = {std::move(std::get<Finding>(started))};
        }
        ++next_;
    }
}

void CheckRun::poll() {
    if (!options_.isolate) return;
    collect(children_->running, false);
    take_finished();
}

// Reads the outcome of each child that is done and starts the next checks.
void CheckRun::take_finished() {
    auto& running = children_->running;
    auto& logs = children_->logs;
    logs.resize(checks_.size());
    {
        std::vector<RunningChild> still;
        for (auto& child : running) {
            if (!child.done) {
                still.push_back(std::move(child));
                continue;
            }
            // A record is read as soon as its child is done, so that the
            // children's output is not all held at once. What the check
            // logged waits, to be passed on in the order of the checks.
            RecordingLogger recorder;
            const CheckContext recorded{context_.index, context_.cohort, context_.rules, recorder,
                                        context_.inspection_date};
            findings_[child.slot] = read_outcome(*checks_[child.slot], recorded, options_, child.outcome);
            logs[child.slot] = std::move(recorder.entries);
        }
        running.swap(still);
    }
    start_more();
}

std::vector<std::vector<Finding>> CheckRun::finish() {
    if (!options_.isolate) {
        for (std::size_t i = 0; i < checks_.size(); ++i) findings_[i] = run_in_process(*checks_[i], context_);
        return std::move(findings_);
    }
    while (!children_->running.empty()) {
        collect(children_->running, true);
        take_finished();
    }
    auto& logs = children_->logs;
    for (const auto& entries : logs) {
        for (const auto& entry : entries) context_.log.log(entry.level, entry.message);
    }
    logs.clear();
    return std::move(findings_);
}

std::vector<std::vector<Finding>> run_checks(const std::vector<const Check*>& checks, const CheckContext& context,
                                             const RunOptions& options) {
    return CheckRun(checks, context, options).finish();
}

std::vector<Finding> run_check(const Check& check, const CheckContext& context, const RunOptions& options) {
    return std::move(run_checks({&check}, context, options).front());
}

}  // namespace iqts::host
