#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "iqts/host/scan.hpp"
#include "iqts/log.hpp"

namespace iqts::host {

struct ServeOptions {
    std::string host = "127.0.0.1";                 // address to listen on
    std::uint16_t port = 8080;                       // 0 picks a free port
    bool allow_remote = false;                       // needed for a non-loopback address
    std::string access_token;                        // required on every request unless empty
    std::uint64_t max_upload_bytes = 2048ull << 20;  // larger uploads get 413
    unsigned max_scans = 2;                          // scans running at once; more get 429
    std::chrono::seconds keep{8 * 3600};             // reports are deleted this long after upload
    std::chrono::seconds request_timeout{60};        // socket receive and send timeout
    ScanOptions scan;                                // template for every scan; paths are set per upload
};

// The scanner as a local web page: a Poco HTTP server that takes export zips
// as multipart uploads into a private temporary folder (mode 0700), scans
// them on a background thread and serves the HTML, JSON and xlsx reports.
// The constructor binds the socket and starts serving; the destructor (or
// stop()) stops the server, waits for running scans and deletes the folder.
class WebServer {
public:
    WebServer(ServeOptions options, Logger& log);
    ~WebServer();
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    std::uint16_t port() const;
    // Returns the address to open, with ?token= when an access token is set.
    std::string url() const;
    const std::filesystem::path& folder() const;
    void stop();

    struct State;

private:
    std::shared_ptr<State> state_;
};

// Returns true when `host` is an IPv4 or IPv6 loopback address or "localhost".
bool is_loopback_host(std::string_view host);

// Returns the host name of an HTTP Host header, without its port and without
// the brackets of an IPv6 address: "[::1]:8080" gives "::1".
std::string host_name(const std::string& host_header);

// Compares two secrets in time that does not depend on where they differ.
bool secrets_equal(std::string_view expected, std::string_view given);

// Returns `bytes` random bytes from the system generator as lowercase hex.
std::string random_hex(std::size_t bytes);

// Returns a file name made only of letters, digits, '.', '-' and '_' from
// the last component of an uploaded file's name, or "" when none is left.
std::string safe_upload_name(std::string_view client_name);

// Runs `iqts-scan serve ARGUMENTS` until SIGINT or SIGTERM; returns the exit status.
int run_serve(const std::vector<std::string>& arguments);

}  // namespace iqts::host
