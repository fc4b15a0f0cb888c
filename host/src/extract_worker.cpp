#include "iqts/host/extract_worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <sstream>

#include "iqts/host/document_codec.hpp"

namespace iqts::host {
namespace {

using Clock = std::chrono::steady_clock;

// Request header: magic "IQXR", u32 file kind, u32 path length, u32 zero,
// u64 byte count, all little-endian; the path and the bytes follow.
constexpr char request_magic[4] = {'I', 'Q', 'X', 'R'};
constexpr std::size_t request_header_bytes = 24;

// The first byte of a result: 1 when the outcome depends only on the file,
// 0 when the extractor ran out of memory.
constexpr char result_complete = 1;
constexpr char result_incomplete = 0;

// Each end of the socket pair buffers this much, so a typical document
// crosses in a few system calls.
constexpr int socket_buffer_bytes = 1 << 20;

// A result larger than this is treated as malformed when no memory limit
// applies; with a limit, the limit itself is the bound.
constexpr std::uint64_t max_result_bytes_unlimited = std::uint64_t{4} << 30;

void put_unsigned(char* out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

std::uint64_t get_unsigned(const char* in, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    return value;
}

std::string seconds_text(std::chrono::milliseconds duration) {
    std::ostringstream text;
    text << static_cast<double>(duration.count()) / 1000.0 << " s";
    return text.str();
}

std::string mebibytes_text(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

Extraction review(std::string reason) {
    Extraction extraction;
    extraction.status = FileStatus::review;
    extraction.reason = std::move(reason);
    return extraction;
}

Extraction out_of_memory(std::size_t max_memory_bytes) {
    if (max_memory_bytes == 0) return review("extractor ran out of memory");
    return review("extractor ran out of memory (limit " + mebibytes_text(max_memory_bytes) +
                  "); raise --worker-memory-mb");
}

// Runs the extractor and recognises an out-of-memory error, whether it
// escapes or `extract` has already turned it into an `unreadable` reason.
WorkerResult run_extractor(const ExtractFunction& function, FileKind kind, const std::string& path,
                           std::string_view bytes, const ExtractLimits& limits, std::size_t max_memory_bytes) {
    WorkerResult result;
    try {
        result.extraction = function(kind, path, bytes, limits);
    } catch (const std::bad_alloc&) {
        result.extraction.reason = std::bad_alloc().what();
    } catch (const std::exception& error) {
        result.extraction.status = FileStatus::unreadable;
        result.extraction.reason = error.what();
    } catch (...) {
        result.extraction.status = FileStatus::unreadable;
        result.extraction.reason = "the extractor failed with an unknown error";
    }
    if (result.extraction.reason == std::bad_alloc().what()) {
        result.extraction = out_of_memory(max_memory_bytes);
        result.complete = false;
    }
    return result;
}

// ---- The child's side: read requests, extract, send results.

bool read_exact(int fd, char* out, std::size_t size) {
    while (size > 0) {
        const auto got = ::recv(fd, out, size, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        out += got;
        size -= static_cast<std::size_t>(got);
    }
    return true;
}

bool write_exact(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const auto sent = ::send(fd, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
    return true;
}

// Reads and drops `size` bytes, keeping the stream in step after a request
// whose bytes could not be held in memory.
bool discard(int fd, std::uint64_t size) {
    char buffer[1 << 14];
    while (size > 0) {
        const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(size, sizeof buffer));
        if (!read_exact(fd, buffer, chunk)) return false;
        size -= chunk;
    }
    return true;
}

// Returns the address space this process has mapped, from /proc/self/statm.
std::size_t mapped_bytes() {
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char text[128] = {};
    const auto got = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (got <= 0) return 0;
    std::size_t pages = 0;
    for (const char* c = text; *c >= '0' && *c <= '9'; ++c) pages = pages * 10 + static_cast<std::size_t>(*c - '0');
    return pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

void set_limit(int resource, rlim_t value) {
    rlimit limit{};
    if (::getrlimit(resource, &limit) != 0) return;
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? value : std::min(value, limit.rlim_max);
    limit.rlim_max = limit.rlim_cur;
    ::setrlimit(resource, &limit);
}

// Keeps only `fd` (moved to 3) and the standard streams open, so that a
// worker holds no other worker's socket and the scanner sees end-of-file
// when a worker dies. Sends stdout to /dev/null, because the scanner may
// write its report there.
void keep_only(int& fd) {
    constexpr int own_fd = 3;
    if (fd != own_fd) {
        ::dup2(fd, own_fd);
        fd = own_fd;
    }
    ::close_range(own_fd + 1, ~0U, 0);

    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::close(null);
    }
}

// Makes the calling process die with `parent`, so that a killed scanner
// leaves no process spinning on a hostile file.
void die_with(pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
}

// Limits a new worker. No core file is written, because it would hold the
// export's personal data.
void limit_worker(std::size_t max_memory_bytes) {
    set_limit(RLIMIT_CORE, 0);
    if (max_memory_bytes > 0) set_limit(RLIMIT_AS, static_cast<rlim_t>(mapped_bytes() + max_memory_bytes));
}

[[noreturn]] void serve(int fd, const ExtractFunction& function, const ExtractLimits& limits,
                        std::size_t max_memory_bytes) {
    for (;;) {
        char header[request_header_bytes];
        if (!read_exact(fd, header, sizeof header)) ::_exit(0);
        if (std::memcmp(header, request_magic, sizeof request_magic) != 0) ::_exit(2);
        const auto kind = static_cast<FileKind>(get_unsigned(header + 4, 4));
        const auto path_length = get_unsigned(header + 8, 4);
        const auto byte_count = get_unsigned(header + 16, 8);

        WorkerResult result;
        std::string encoded;
        bool request_read = false;
        try {
            std::string path(path_length, '\0');
            std::string bytes(byte_count, '\0');
            if (!read_exact(fd, path.data(), path.size()) || !read_exact(fd, bytes.data(), bytes.size())) ::_exit(0);
            request_read = true;
            result = run_extractor(function, kind, path, bytes, limits, max_memory_bytes);
            encoded = encode_extraction(result.extraction);
        } catch (const std::bad_alloc&) {
            // The request or its result did not fit in the memory limit.
            if (!request_read && !discard(fd, path_length + byte_count)) ::_exit(0);
            result = WorkerResult{out_of_memory(max_memory_bytes), false};
            encoded = encode_extraction(result.extraction);
        } catch (const std::exception&) {
            ::_exit(3);
        }

        const char flag = result.complete ? result_complete : result_incomplete;
        if (!write_exact(fd, &flag, 1) || !write_exact(fd, encoded.data(), encoded.size())) ::_exit(0);
    }
}

// ---- The parent's side: send a request and wait for its result until the deadline.

enum class Transfer { done, closed, timed_out };

int milliseconds_until(Clock::time_point deadline) {
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(remaining, 0, 1000));
}

Transfer send_before(int fd, std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        if (Clock::now() >= deadline) return Transfer::timed_out;
        pollfd ready{fd, POLLOUT, 0};
        if (::poll(&ready, 1, milliseconds_until(deadline)) <= 0) continue;
        const auto sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (sent <= 0) return Transfer::closed;
        data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return Transfer::done;
}

Transfer receive_before(int fd, char* out, std::size_t size, Clock::time_point deadline) {
    while (size > 0) {
        if (Clock::now() >= deadline) return Transfer::timed_out;
        pollfd ready{fd, POLLIN, 0};
        if (::poll(&ready, 1, milliseconds_until(deadline)) <= 0) continue;
        const auto got = ::recv(fd, out, size, MSG_DONTWAIT);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) return Transfer::closed;
        out += got;
        size -= static_cast<std::size_t>(got);
    }
    return Transfer::done;
}

std::string request_header(FileKind kind, const std::string& path, std::string_view bytes) {
    std::string header(request_header_bytes, '\0');
    std::memcpy(header.data(), request_magic, sizeof request_magic);
    put_unsigned(header.data() + 4, static_cast<std::uint64_t>(kind), 4);
    put_unsigned(header.data() + 8, path.size(), 4);
    put_unsigned(header.data() + 16, bytes.size(), 8);
    return header + path;
}

// Describes how a child that closed its socket ended.
std::string exit_reason(int wait_status) {
    if (WIFSIGNALED(wait_status)) {
        const int signal = WTERMSIG(wait_status);
        const char* name = ::strsignal(signal);
        return "extractor crashed (signal " + std::to_string(signal) + ": " + (name ? name : "unknown") + ")";
    }
    const int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 0;
    return "extractor exited with status " + std::to_string(code) + " before returning a result";
}

// ---- The launcher: forks workers on request and reaps them.

// Launcher requests: one byte, then a u32 process id for stop_request.
constexpr char spawn_request = 'S';
constexpr char stop_request = 'K';

bool send_socket(int fd, std::int32_t pid, int passed) {
    char data[4];
    put_unsigned(data, static_cast<std::uint32_t>(pid), 4);
    iovec part{data, sizeof data};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    if (passed >= 0) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &passed, sizeof(int));
    }
    while (true) {
        const auto sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        return sent == static_cast<ssize_t>(sizeof data);
    }
}

bool receive_socket(int fd, std::int32_t& pid, int& received) {
    char data[4];
    iovec part{data, sizeof data};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t got = 0;
    while ((got = ::recvmsg(fd, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    if (got != static_cast<ssize_t>(sizeof data)) return false;
    pid = static_cast<std::int32_t>(get_unsigned(data, 4));
    received = -1;
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
            std::memcpy(&received, CMSG_DATA(header), sizeof(int));
        }
    }
    return true;
}

// Forks one worker and sends the launcher's parent its pid and socket; a
// negative pid carries the errno of the failure instead.
void spawn_worker(int fd, const ExtractFunction& function, const ExtractLimits& extract_limits,
                  const WorkerLimits& limits) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        send_socket(fd, -errno, -1);
        return;
    }
    for (const int end : pair) {
        ::setsockopt(end, SOL_SOCKET, SO_SNDBUF, &socket_buffer_bytes, sizeof socket_buffer_bytes);
        ::setsockopt(end, SOL_SOCKET, SO_RCVBUF, &socket_buffer_bytes, sizeof socket_buffer_bytes);
    }

    const pid_t launcher = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        int own = pair[1];
        keep_only(own);
        die_with(launcher);
        limit_worker(limits.max_memory_bytes);
        serve(own, function, extract_limits, limits.max_memory_bytes);
    }
    const int error = errno;
    ::close(pair[1]);
    send_socket(fd, pid < 0 ? -error : pid, pid < 0 ? -1 : pair[0]);
    ::close(pair[0]);
}

[[noreturn]] void run_launcher(int fd, const ExtractFunction& function, const ExtractLimits& extract_limits,
                               const WorkerLimits& limits) {
    for (;;) {
        char request[5];
        if (!read_exact(fd, request, sizeof request)) ::_exit(0);
        if (request[0] == spawn_request) {
            spawn_worker(fd, function, extract_limits, limits);
        } else if (request[0] == stop_request) {
            const auto pid = static_cast<pid_t>(get_unsigned(request + 1, 4));
            int status = -1;
            if (pid > 0) {
                ::kill(pid, SIGKILL);
                while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
                }
            }
            char reply[4];
            put_unsigned(reply, static_cast<std::uint32_t>(status), 4);
            if (!write_exact(fd, reply, sizeof reply)) ::_exit(0);
        } else {
            ::_exit(2);
        }
    }
}

}  // namespace

WorkerLauncher::WorkerLauncher(ExtractFunction function, ExtractLimits extract_limits, WorkerLimits limits)
    : limits_(limits) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        error_ = std::string("socketpair failed: ") + std::strerror(errno);
        return;
    }
    const pid_t scanner = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        error_ = std::string("fork failed: ") + std::strerror(errno);
        ::close(pair[0]);
        ::close(pair[1]);
        return;
    }
    if (pid == 0) {
        int own = pair[1];
        keep_only(own);
        die_with(scanner);
        run_launcher(own, function, extract_limits, limits);
    }
    ::close(pair[1]);
    pid_ = pid;
    socket_ = pair[0];
}

WorkerLauncher::~WorkerLauncher() {
    if (socket_ >= 0) ::close(socket_);
    if (pid_ > 0) {
        // The launcher exits when its socket closes, and its workers die with it.
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

bool WorkerLauncher::spawn(int& pid, int& socket, std::string& error) {
    const std::lock_guard lock(mutex_);
    if (socket_ < 0) {
        error = "the launcher process did not start: " + error_;
        return false;
    }
    const char request[5] = {spawn_request, 0, 0, 0, 0};
    std::int32_t reply_pid = 0;
    int received = -1;
    if (!write_exact(socket_, request, sizeof request) || !receive_socket(socket_, reply_pid, received)) {
        error = "the launcher process stopped";
        return false;
    }
    if (reply_pid <= 0 || received < 0) {
        if (received >= 0) ::close(received);
        error = std::string("fork failed: ") + std::strerror(reply_pid < 0 ? -reply_pid : EAGAIN);
        return false;
    }
    pid = reply_pid;
    socket = received;
    return true;
}

int WorkerLauncher::stop(int pid) {
    const std::lock_guard lock(mutex_);
    if (socket_ < 0) return -1;
    char request[5] = {stop_request};
    put_unsigned(request + 1, static_cast<std::uint32_t>(pid), 4);
    char reply[4];
    if (!write_exact(socket_, request, sizeof request) || !read_exact(socket_, reply, sizeof reply)) return -1;
    return static_cast<int>(get_unsigned(reply, 4));
}

ExtractWorker::~ExtractWorker() { stop(); }

int ExtractWorker::stop() {
    if (socket_ >= 0) {
        ::close(socket_);
        socket_ = -1;
    }
    int status = -1;
    if (pid_ > 0) {
        status = launcher_.stop(pid_);
        pid_ = 0;
    }
    return status;
}

WorkerResult ExtractWorker::failure(const std::string& reason) {
    stop();
    return WorkerResult{review(reason), false};
}

WorkerResult ExtractWorker::extract(FileKind kind, const std::string& path, std::string_view bytes) {
    if (pid_ == 0) {
        std::string error;
        if (!launcher_.spawn(pid_, socket_, error)) {
            pid_ = 0;
            socket_ = -1;
            return WorkerResult{review("extractor could not start: " + error), false};
        }
        ++started_;
    }

    const auto& limits = launcher_.limits();
    const auto deadline = Clock::now() + limits.timeout;
    const auto timed_out = "extractor timed out after " + seconds_text(limits.timeout) + "; raise --document-timeout";

    auto transfer = send_before(socket_, request_header(kind, path, bytes), deadline);
    if (transfer == Transfer::done) transfer = send_before(socket_, bytes, deadline);

    char flag = 0;
    std::string encoded(document_codec_header_bytes, '\0');
    if (transfer == Transfer::done) transfer = receive_before(socket_, &flag, 1, deadline);
    if (transfer == Transfer::done) transfer = receive_before(socket_, encoded.data(), encoded.size(), deadline);

    if (transfer == Transfer::timed_out) return failure(timed_out);
    if (transfer == Transfer::closed) {
        // The worker closed its socket, so it has exited or is exiting. The
        // launcher kills it in case it has not, and returns how it ended.
        const int status = stop();
        if (status == -1) return failure("extractor stopped before returning a result");
        return failure(exit_reason(status));
    }

    try {
        const auto payload_length = encoded_payload_length(encoded);
        const auto max_bytes = limits.max_memory_bytes ? limits.max_memory_bytes : max_result_bytes_unlimited;
        if (payload_length > max_bytes) {
            return failure("extractor returned a malformed result (a payload of " + std::to_string(payload_length) +
                           " bytes)");
        }
        encoded.resize(document_codec_header_bytes + payload_length);
        transfer = receive_before(socket_, encoded.data() + document_codec_header_bytes, payload_length, deadline);
        if (transfer == Transfer::timed_out) return failure(timed_out);
        if (transfer == Transfer::closed) return failure("extractor stopped while sending its result");

        WorkerResult result{decode_extraction(encoded), flag == result_complete};
        return result;
    } catch (const DocumentCodecError& error) {
        return failure(std::string("extractor returned a malformed result (") + error.what() + ")");
    }
}

WorkerResult extract_in_process(const ExtractFunction& function, FileKind kind, const std::string& path,
                                std::string_view bytes, const ExtractLimits& extract_limits) {
    return run_extractor(function, kind, path, bytes, extract_limits, 0);
}

}  // namespace iqts::host
