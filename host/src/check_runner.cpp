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
#include <sstream>
#include <string_view>
#include <variant>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "iqts/host/plugins.hpp"

namespace iqts::host {
namespace {

using Clock = std::chrono::steady_clock;

// A child that sends more than this many bytes is stopped, so that a runaway
// check cannot exhaust the host's memory through the pipe.
constexpr std::size_t max_output_bytes = 256u << 20;

// Written without allocating, because the heap is exhausted when it is needed.
constexpr std::string_view out_of_memory_record = R"({"error":"out_of_memory"})";

// Sent when a check throws something that is not a std::exception.
constexpr std::string_view unknown_exception_record =
    R"({"error":"threw","what":"an exception that is not a std::exception"})";

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
constexpr const char* log_level_names[] = {"debug", "info", "warning", "error"};
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

// ---- The child's side: run the check and write one JSON record to the pipe.

Poco::JSON::Array::Ptr log_to_json(const std::vector<LogEntry>& entries) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& entry : entries) {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        object->set("level", log_level_names[static_cast<int>(entry.level)]);
        object->set("message", entry.message);
        array->add(object);
    }
    return array;
}

Poco::JSON::Array::Ptr findings_to_json(const std::vector<Finding>& findings) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& finding : findings) {
        Poco::JSON::Array::Ptr evidence = new Poco::JSON::Array;
        for (const auto& item : finding.evidence) {
            Poco::JSON::Object::Ptr place = new Poco::JSON::Object;
            place->set("path", item.path);
            place->set("location", item.location);
            evidence->add(place);
        }

        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        object->set("status", std::string(to_string(finding.status)));
        object->set("subject", finding.subject);
        object->set("message", finding.message);
        object->set("evidence", evidence);
        array->add(object);
    }
    return array;
}

std::string stringify(const Poco::JSON::Object::Ptr& record) {
    std::ostringstream out;
    // Escaping every non-ASCII character keeps the record valid JSON even
    // when a message carries bytes that are not UTF-8: Poco 1.11 escapes
    // each such byte as the Latin-1 character of the same value.
    Poco::JSON::Stringifier::stringify(record, out, 0, -1, Poco::JSON_ESCAPE_UNICODE);
    return out.str();
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
        Poco::JSON::Object::Ptr record = new Poco::JSON::Object;
        try {
            record->set("findings", findings_to_json(check.run(child_context)));
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& exception) {
            record->set("error", "threw");
            record->set("what", std::string(exception.what()));
        } catch (...) {
            write_all(fd, unknown_exception_record);
            ::_exit(0);
        }
        record->set("log", log_to_json(logger.entries));
        write_all(fd, stringify(record));
    } catch (const std::bad_alloc&) {
        write_all(fd, out_of_memory_record);
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
// as soon as at least one child is done, or when none is running.
void collect(std::vector<RunningChild>& children) {
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

        const int count = ::poll(ready.data(), ready.size(), static_cast<int>(wait.count()));
        if (count <= 0) continue;
        for (std::size_t i = 0; i < ready.size(); ++i) {
            if (ready[i].revents != 0) read_from(*polled[i]);
        }
    }
}

Status status_from(const std::string& text) {
    for (const auto status : statuses) {
        if (to_string(status) == text) return status;
    }
    throw Poco::DataFormatException("unknown status " + text);
}

void replay_log(const Poco::JSON::Array::Ptr& entries, Logger& log) {
    if (!entries) return;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const auto entry = entries->getObject(static_cast<unsigned>(i));
        const auto level_name = entry->getValue<std::string>("level");
        const auto message = entry->getValue<std::string>("message");
        for (std::size_t level = 0; level < std::size(log_levels); ++level) {
            if (level_name == log_level_names[level]) log.log(log_levels[level], message);
        }
    }
}

std::vector<Finding> findings_from(const Poco::JSON::Array::Ptr& array) {
    if (!array) throw Poco::DataFormatException("no findings");
    std::vector<Finding> findings;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto object = array->getObject(static_cast<unsigned>(i));
        if (!object) throw Poco::DataFormatException("a finding is not an object");
        Finding finding;
        finding.status = status_from(object->getValue<std::string>("status"));
        finding.subject = object->getValue<std::string>("subject");
        finding.message = object->getValue<std::string>("message");

        const auto evidence = object->getArray("evidence");
        for (std::size_t j = 0; evidence && j < evidence->size(); ++j) {
            const auto place = evidence->getObject(static_cast<unsigned>(j));
            finding.evidence.push_back({place->getValue<std::string>("path"),
                                        place->getValue<std::string>("location")});
        }
        findings.push_back(std::move(finding));
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
        Poco::JSON::Parser parser;
        const auto record = parser.parse(outcome.output).extract<Poco::JSON::Object::Ptr>();
        replay_log(record->getArray("log"), context.log);

        if (record->has("error")) {
            const auto kind = record->getValue<std::string>("error");
            if (kind == "out_of_memory") {
                return {error_finding(check, context,
                                      "ran out of memory (limit " + mebibytes_text(options.max_memory_bytes) + ")")};
            }
            return {error_finding(check, context, "threw: " + record->getValue<std::string>("what"))};
        }
        return findings_from(record->getArray("findings"));
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
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
        return check.run(context);
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

std::vector<std::vector<Finding>> CheckRun::finish() {
    if (!options_.isolate) {
        for (std::size_t i = 0; i < checks_.size(); ++i) findings_[i] = run_in_process(*checks_[i], context_);
        return std::move(findings_);
    }
    auto& running = children_->running;
    auto& logs = children_->logs;
    logs.resize(checks_.size());
    while (!running.empty()) {
        collect(running);
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
        start_more();
    }
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
