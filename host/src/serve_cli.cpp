#include <pthread.h>
#include <signal.h>

#include <cctype>
#include <fstream>
#include <iostream>
#include <mutex>

#include <boost/program_options.hpp>

#include "iqts/host/serve.hpp"

namespace iqts::host {
namespace {

namespace po = boost::program_options;

constexpr int exit_cannot_run = 2;

class ServeLogger : public Logger {
public:
    void log(LogLevel level, const std::string& message) override {
        if (level < LogLevel::info) return;
        static constexpr const char* names[] = {"debug", "info", "warning", "error"};
        const std::lock_guard lock(mutex_);
        std::cerr << "iqts-scan serve: " << names[static_cast<int>(level)] << ": " << message << std::endl;
    }

private:
    std::mutex mutex_;
};

// Splits HOST:PORT, [IPv6]:PORT or a bare PORT.
bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
    std::string port_text;
    if (!listen.empty() && listen.front() == '[') {
        const auto close = listen.find(']');
        if (close == std::string::npos || listen.compare(close + 1, 1, ":") != 0) return false;
        host = listen.substr(1, close - 1);
        port_text = listen.substr(close + 2);
    } else if (const auto colon = listen.rfind(':'); colon != std::string::npos) {
        host = listen.substr(0, colon);
        port_text = listen.substr(colon + 1);
    } else {
        port_text = listen;
    }
    if (host.empty() || port_text.empty() || port_text.size() > 5) return false;
    for (const char c : port_text) {
        if (c < '0' || c > '9') return false;
    }
    const auto number = std::stoul(port_text);
    if (number > 65535) return false;
    port = static_cast<std::uint16_t>(number);
    return true;
}

std::string read_token(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the token file " + path);
    std::string token;
    std::getline(in, token);
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    if (token.size() < 16) {
        throw std::runtime_error("the token in " + path + " is shorter than 16 characters; write a longer random one");
    }
    for (const char c : token) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
            throw std::runtime_error("the token in " + path + " may contain only letters, digits, '-' and '_'");
        }
    }
    return token;
}

}  // namespace

int run_serve(const std::vector<std::string>& arguments) {
    ServeOptions options;
    options.host = "127.0.0.1";
    std::string listen = "127.0.0.1:8080";
    std::string token_file;
    double max_upload_mb = 2048;
    double keep_hours = 8;

    po::options_description described("Serve options");
    described.add_options()
        ("help,h", "show this help")
        ("listen", po::value(&listen), "address and port to listen on (default 127.0.0.1:8080)")
        ("allow-remote", po::bool_switch(&options.allow_remote),
         "serve other computers too; every request then needs the access token")
        ("token-file", po::value(&token_file), "file whose first line is the access token (default: a random one)")
        ("max-upload-mb", po::value(&max_upload_mb), "largest upload in MiB (default 2048)")
        ("max-scans", po::value(&options.max_scans), "scans that may run at once (default 2)")
        ("keep-hours", po::value(&keep_hours), "hours a report is kept after its upload (default 8)")
        ("jobs,j", po::value(&options.scan.jobs), "extraction threads per scan (default: one per core)");
    po::variables_map values;
    try {
        po::store(po::command_line_parser(arguments).options(described).run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        std::cerr << "iqts-scan serve: " << error.what() << "\n\n" << described;
        return exit_cannot_run;
    }
    if (values.count("help")) {
        std::cout << "Usage: iqts-scan serve [options]\n\n" << described;
        return 0;
    }
    if (!split_listen(listen, options.host, options.port)) {
        std::cerr << "iqts-scan serve: --listen '" << listen << "' is not HOST:PORT; write e.g. 127.0.0.1:8080\n";
        return exit_cannot_run;
    }
    if (max_upload_mb <= 0 || keep_hours <= 0 || options.max_scans == 0) {
        std::cerr << "iqts-scan serve: --max-upload-mb, --max-scans and --keep-hours must be above 0\n";
        return exit_cannot_run;
    }
    options.max_upload_bytes = static_cast<std::uint64_t>(max_upload_mb * 1048576);
    options.keep = std::chrono::seconds(static_cast<long long>(keep_hours * 3600));
    if (!is_loopback_host(options.host) && !options.allow_remote) {
        std::cerr << "iqts-scan serve: " << options.host << " is not a loopback address; add --allow-remote to "
                     "serve other computers (each request then needs the access token)\n";
        return exit_cannot_run;
    }
    try {
        if (!token_file.empty()) {
            options.access_token = read_token(token_file);
        } else if (options.allow_remote) {
            options.access_token = random_hex(16);
        }
    } catch (const std::exception& error) {
        std::cerr << "iqts-scan serve: " << error.what() << '\n';
        return exit_cannot_run;
    }

    // Server threads inherit this mask, so only sigwait below sees the signals.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    ServeLogger log;
    try {
        WebServer server(options, log);
        std::cout << "iqts-scan serve: open " << server.url() << "\n"
                  << "Press Ctrl+C to stop; the uploads and reports are deleted then." << std::endl;
        int received = 0;
        sigwait(&signals, &received);
        log.log(LogLevel::info, std::string("stopping on ") + (received == SIGINT ? "SIGINT" : "SIGTERM"));
        server.stop();
    } catch (const std::exception& error) {
        std::cerr << "iqts-scan serve: " << error.what() << '\n';
        return exit_cannot_run;
    }
    log.log(LogLevel::info, "stopped; the temporary folder is deleted");
    return 0;
}

}  // namespace iqts::host
