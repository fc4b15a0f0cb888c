#include "iqts/host/serve.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include "iqts/host/report_formats.hpp"
#include "serve_page.hpp"

namespace iqts::host {

using Poco::Net::HTTPResponse;

namespace {

namespace fs = std::filesystem;

constexpr const char* csrf_cookie = "iqts_csrf";
constexpr const char* access_cookie = "iqts_access";
constexpr std::size_t id_bytes = 16;
// Bodies of rejected requests up to this size are read and dropped, so the
// client receives the error status instead of a connection reset.
constexpr std::streamsize max_drained_bytes = 8 << 20;

enum class Phase { scanning, ready, failed };

struct ReportEntry {
    std::string id;
    std::string label;
    std::string created;
    std::chrono::steady_clock::time_point started;
    fs::path folder;
    std::atomic<std::size_t> done{0};
    std::atomic<std::size_t> total{0};
    Phase phase = Phase::scanning;  // guarded by State::mutex
    std::string summary;            // guarded by State::mutex
    std::thread worker;
};

struct Reply {
    int status = HTTPResponse::HTTP_OK;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

class TooLarge : public std::runtime_error {
public:
    TooLarge() : std::runtime_error("upload too large") {}
};

class Forbidden : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class BadUpload : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string utc_now() {
    const auto now = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
    const auto day = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day date(day);
    const std::chrono::hh_mm_ss time(now - day);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()));
    return text;
}

bool is_report_id(std::string_view text) {
    if (text.size() != id_bytes * 2) return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

bool is_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return false;
    }
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    const int day = (text[8] - '0') * 10 + (text[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::string read_whole_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string cookie(const Poco::Net::HTTPServerRequest& request, const std::string& name) {
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return cookies.get(name, "");
}

std::string cookie_header(const std::string& name, const std::string& value) {
    return name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
}

Reply error_reply(int status, const std::string& message) {
    Reply reply;
    reply.status = status;
    const auto reason = HTTPResponse::getReasonForStatus(static_cast<HTTPResponse::HTTPStatus>(status));
    reply.body = serve_page::error(status, reason, message);
    return reply;
}

Reply too_large_reply(std::uint64_t max_bytes) {
    return error_reply(HTTPResponse::HTTP_REQUESTENTITYTOOLARGE,
                       "The upload is larger than the limit of " + std::to_string(max_bytes >> 20) +
                           " MiB; restart the server with a larger --max-upload-mb.");
}

Reply redirect(const std::string& location) {
    Reply reply;
    reply.status = HTTPResponse::HTTP_SEE_OTHER;
    reply.headers.emplace_back("Location", location);
    return reply;
}

void drain(std::istream& body) {
    char buffer[65536];
    std::streamsize left = max_drained_bytes;
    while (left > 0 && body.read(buffer, std::min<std::streamsize>(left, sizeof buffer)).gcount() > 0) {
        left -= body.gcount();
    }
}

}  // namespace

struct WebServer::State {
    ServeOptions options;
    Logger& log;
    fs::path folder;
    std::uint16_t port = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server;

    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    bool stopped = false;
    unsigned running = 0;
    std::map<std::string, std::shared_ptr<ReportEntry>> reports;
    std::vector<std::string> order;
    std::thread sweeper;

    State(ServeOptions serve_options, Logger& logger) : options(std::move(serve_options)), log(logger) {}

    serve_page::ReportRow row(const ReportEntry& entry) {
        static constexpr const char* states[] = {"scanning", "ready", "failed"};
        return {entry.id, entry.label, entry.created, states[static_cast<int>(entry.phase)], entry.summary};
    }

    std::shared_ptr<ReportEntry> find(std::string_view id) {
        const std::lock_guard lock(mutex);
        const auto found = reports.find(std::string(id));
        return found == reports.end() ? nullptr : found->second;
    }

    void sweep();
    void run_job(const std::shared_ptr<ReportEntry>& entry, std::vector<std::string> files, std::string date);
};

namespace {

// Writes each uploaded file of a multipart form into the upload folder,
// after checking the form's CSRF field, and counts the bytes against the cap.
class UploadWriter : public Poco::Net::PartHandler {
public:
    UploadWriter(fs::path folder, std::uint64_t max_bytes, const Poco::Net::HTMLForm& form,
                 std::string expected_csrf, bool csrf_checked)
        : folder_(std::move(folder)), max_bytes_(max_bytes), form_(form), expected_csrf_(std::move(expected_csrf)),
          csrf_checked_(csrf_checked) {}

    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        if (!csrf_checked_) {
            if (expected_csrf_.empty() || !secrets_equal(expected_csrf_, form_.get("csrf", ""))) {
                throw Forbidden("the form's CSRF token is missing or wrong; reload the upload page and try again");
            }
            csrf_checked_ = true;
        }
        std::string disposition;
        Poco::Net::NameValueCollection parameters;
        Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, parameters);
        auto name = safe_upload_name(parameters.get("filename", ""));
        if (name.empty()) {
            drain_part(stream);
            return;
        }
        for (const auto& file : files_) {
            if (fs::path(file).filename() == name) throw BadUpload("two uploaded files are named " + name);
        }
        const auto path = folder_ / name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write the upload to the temporary folder");
        char buffer[65536];
        while (stream.read(buffer, sizeof buffer), stream.gcount() > 0) {
            bytes_ += static_cast<std::uint64_t>(stream.gcount());
            if (bytes_ > max_bytes_) throw TooLarge();
            out.write(buffer, stream.gcount());
        }
        out.close();
        if (!out) throw std::runtime_error("cannot write the upload to the temporary folder; is the disk full?");
        files_.push_back(path.string());
    }

    const std::vector<std::string>& files() const { return files_; }
    bool csrf_checked() const { return csrf_checked_; }

private:
    void drain_part(std::istream& stream) {
        char buffer[65536];
        while (stream.read(buffer, sizeof buffer), stream.gcount() > 0) {
            bytes_ += static_cast<std::uint64_t>(stream.gcount());
            if (bytes_ > max_bytes_) throw TooLarge();
        }
    }

    fs::path folder_;
    std::uint64_t max_bytes_;
    const Poco::Net::HTMLForm& form_;
    std::string expected_csrf_;
    bool csrf_checked_;
    std::uint64_t bytes_ = 0;
    std::vector<std::string> files_;
};

class RequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit RequestHandler(std::shared_ptr<WebServer::State> state) : state_(std::move(state)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        const auto start = std::chrono::steady_clock::now();
        const auto& uri = request.getURI();
        const auto path = uri.substr(0, uri.find('?'));
        Reply reply;
        try {
            reply = route(request, path);
        } catch (const std::exception& error) {
            state_->log.log(LogLevel::error,
                            "request " + request.getMethod() + " " + path + " failed: " + error.what());
            reply = error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "The server could not answer this request.");
        }
        send(reply, response);
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        state_->log.log(LogLevel::info, request.getMethod() + " " + path + " " + std::to_string(reply.status) + " " +
                                            std::to_string(reply.body.size()) + " " + std::to_string(elapsed.count()) +
                                            "ms");
    }

private:
    static void send(Reply& reply, Poco::Net::HTTPServerResponse& response) {
        response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(reply.status));
        response.set("X-Content-Type-Options", "nosniff");
        response.set("Content-Security-Policy",
                     "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src data:; "
                     "connect-src 'self'; form-action 'self'; frame-ancestors 'none'");
        response.set("Referrer-Policy", "no-referrer");
        response.set("Cache-Control", "no-store");
        for (const auto& [name, value] : reply.headers) response.add(name, value);
        if (reply.status >= 400) response.setKeepAlive(false);
        response.setContentType(reply.content_type);
        response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
        response.send().write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
    }

    Reply route(Poco::Net::HTTPServerRequest& request, const std::string& raw_path) {
        std::string path;
        try {
            Poco::URI::decode(raw_path, path);
        } catch (const Poco::Exception&) {
            return error_reply(HTTPResponse::HTTP_BAD_REQUEST, "The address is not valid.");
        }

        // A page elsewhere that points its own domain name at 127.0.0.1 (DNS
        // rebinding) reaches a loopback server with that name as its Host,
        // so a loopback-only server answers only requests that name loopback.
        if (!state_->options.allow_remote && !is_loopback_host(host_name(request.getHost()))) {
            drain(request.stream());
            return error_reply(HTTPResponse::HTTP_FORBIDDEN,
                               "This server answers only addresses on this computer; open the address that "
                               "iqts-scan serve printed.");
        }

        const auto& token = state_->options.access_token;
        if (!token.empty()) {
            const Poco::URI uri(request.getURI());
            for (const auto& [name, value] : uri.getQueryParameters()) {
                if (name == "token" && secrets_equal(token, value)) {
                    // A path starting with "//" would send the browser to another host.
                    const bool local = raw_path.size() >= 1 && raw_path[0] == '/' && raw_path.rfind("//", 0) != 0;
                    auto reply = redirect(local ? raw_path : "/");
                    reply.headers.emplace_back("Set-Cookie", cookie_header(access_cookie, token));
                    return reply;
                }
            }
            if (!secrets_equal(token, cookie(request, access_cookie))) {
                drain(request.stream());
                return error_reply(HTTPResponse::HTTP_UNAUTHORIZED,
                                   "Open the address that iqts-scan serve printed, with its ?token= part.");
            }
        }

        const auto& method = request.getMethod();
        const bool get = method == "GET" || method == "HEAD";
        if (path == "/") return get ? index(request) : not_allowed(request);
        if (path == "/app.js") {
            if (!get) return not_allowed(request);
            Reply reply;
            reply.content_type = "text/javascript; charset=utf-8";
            reply.body = serve_page::script;
            return reply;
        }
        if (path == "/upload") return method == "POST" ? upload(request) : not_allowed(request);

        constexpr std::string_view prefix = "/reports/";
        if (path.rfind(prefix, 0) == 0) {
            const auto rest = std::string_view(path).substr(prefix.size());
            const auto slash = rest.find('/');
            const auto id = rest.substr(0, slash);
            const auto file = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
            const auto entry = is_report_id(id) ? state_->find(id) : nullptr;
            if (entry) return get ? report(*entry, file) : not_allowed(request);
        }
        return error_reply(HTTPResponse::HTTP_NOT_FOUND, "There is nothing at this address.");
    }

    Reply not_allowed(Poco::Net::HTTPServerRequest& request) {
        drain(request.stream());
        auto reply = error_reply(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "This address does not take that method.");
        return reply;
    }

    Reply index(Poco::Net::HTTPServerRequest& request) {
        auto csrf = cookie(request, csrf_cookie);
        Reply reply;
        if (!is_report_id(csrf)) {
            csrf = random_hex(id_bytes);
            reply.headers.emplace_back("Set-Cookie", cookie_header(csrf_cookie, csrf));
        }
        std::vector<serve_page::ReportRow> rows;
        {
            const std::lock_guard lock(state_->mutex);
            for (auto id = state_->order.rbegin(); id != state_->order.rend(); ++id) {
                const auto found = state_->reports.find(*id);
                if (found != state_->reports.end()) rows.push_back(state_->row(*found->second));
            }
        }
        reply.body = serve_page::index(csrf, rows, state_->options.max_upload_bytes >> 20);
        return reply;
    }

    Reply report(ReportEntry& entry, std::string_view file) {
        serve_page::ReportRow row;
        {
            const std::lock_guard lock(state_->mutex);
            row = state_->row(entry);
        }
        Reply reply;
        if (file == "status") {
            reply.content_type = "application/json";
            reply.body = "{\"state\":\"" + row.state + "\",\"done\":" + std::to_string(entry.done.load()) +
                         ",\"total\":" + std::to_string(entry.total.load()) + "}";
            return reply;
        }
        if (!file.empty() && row.state != "ready") {
            return error_reply(HTTPResponse::HTTP_NOT_FOUND, "This report is not ready.");
        }
        if (file.empty()) {
            if (row.state == "scanning") {
                reply.body = serve_page::progress(row);
            } else if (row.state == "failed") {
                reply.body = serve_page::failed(row);
            } else {
                reply.body = serve_page::report(row, read_whole_file(entry.folder / "report.html"));
            }
            return reply;
        }
        if (file == "report.json") {
            reply.content_type = "application/json";
            reply.body = read_whole_file(entry.folder / "report.json");
            reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"iqts-report.json\"");
            return reply;
        }
        if (file == "report.xlsx") {
            reply.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            reply.body = read_whole_file(entry.folder / "report.xlsx");
            reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"iqts-compliance-grid.xlsx\"");
            return reply;
        }
        return error_reply(HTTPResponse::HTTP_NOT_FOUND, "There is nothing at this address.");
    }

    Reply upload(Poco::Net::HTTPServerRequest& request) {
        const auto& options = state_->options;
        if (request.hasContentLength() &&
            static_cast<std::uint64_t>(request.getContentLength64()) > options.max_upload_bytes) {
            drain(request.stream());
            return too_large_reply(options.max_upload_bytes);
        }
        const auto expected_csrf = cookie(request, csrf_cookie);
        const bool csrf_in_header = request.has("X-CSRF-Token");
        if (csrf_in_header && (expected_csrf.empty() || !secrets_equal(expected_csrf, request.get("X-CSRF-Token")))) {
            drain(request.stream());
            return error_reply(HTTPResponse::HTTP_FORBIDDEN, "The CSRF token is wrong; reload the upload page.");
        }

        auto entry = std::make_shared<ReportEntry>();
        {
            const std::lock_guard lock(state_->mutex);
            if (state_->stopping) return error_reply(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "The server is stopping.");
            if (state_->running >= options.max_scans) {
                drain(request.stream());
                return error_reply(HTTPResponse::HTTP_TOO_MANY_REQUESTS,
                                   std::to_string(options.max_scans) + " scans are running; wait for one to finish.");
            }
            ++state_->running;
        }
        entry->id = random_hex(id_bytes);
        entry->folder = state_->folder / entry->id;
        entry->created = utc_now();
        entry->started = std::chrono::steady_clock::now();
        const auto upload_folder = entry->folder / "upload";

        auto release = [&] {
            std::error_code ignored;
            fs::remove_all(entry->folder, ignored);
            const std::lock_guard lock(state_->mutex);
            --state_->running;
        };

        Poco::Net::HTMLForm form;
        form.setFieldLimit(16);
        form.setValueLengthLimit(256);
        std::vector<std::string> files;
        try {
            fs::create_directories(upload_folder);
            fs::permissions(entry->folder, fs::perms::owner_all);
            UploadWriter writer(upload_folder, options.max_upload_bytes, form, expected_csrf, csrf_in_header);
            form.load(request, request.stream(), writer);
            // A form without files never reached the part handler's check.
            const bool csrf_valid = writer.csrf_checked() || secrets_equal(expected_csrf, form.get("csrf", ""));
            if (!csrf_valid) throw Forbidden("the form's CSRF token is missing or wrong; reload the upload page");
            files = writer.files();
        } catch (const TooLarge&) {
            release();
            drain(request.stream());
            return too_large_reply(options.max_upload_bytes);
        } catch (const Forbidden& error) {
            release();
            drain(request.stream());
            return error_reply(HTTPResponse::HTTP_FORBIDDEN, error.what());
        } catch (const BadUpload& error) {
            release();
            drain(request.stream());
            return error_reply(HTTPResponse::HTTP_BAD_REQUEST, error.what());
        } catch (const Poco::Exception& error) {
            release();
            drain(request.stream());
            return error_reply(HTTPResponse::HTTP_BAD_REQUEST,
                               "The upload is not a valid multipart form: " + error.displayText());
        } catch (...) {
            release();
            throw;
        }

        if (files.empty()) {
            release();
            return error_reply(HTTPResponse::HTTP_BAD_REQUEST, "No file was uploaded; choose the export zip.");
        }
        const auto date = form.get("inspection_date", "");
        if (!date.empty() && !is_date(date)) {
            release();
            return error_reply(HTTPResponse::HTTP_BAD_REQUEST, "The inspection date is not a date; write YYYY-MM-DD.");
        }
        for (const auto& file : files) {
            if (!entry->label.empty()) entry->label += ", ";
            entry->label += fs::path(file).filename().string();
        }

        {
            const std::lock_guard lock(state_->mutex);
            if (state_->stopping) {
                --state_->running;
                std::error_code ignored;
                fs::remove_all(entry->folder, ignored);
                return error_reply(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "The server is stopping.");
            }
            state_->reports[entry->id] = entry;
            state_->order.push_back(entry->id);
            entry->worker = std::thread([state = state_, entry, files, date] { state->run_job(entry, files, date); });
        }
        return redirect("/reports/" + entry->id);
    }

    std::shared_ptr<WebServer::State> state_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HandlerFactory(std::shared_ptr<WebServer::State> state) : state_(std::move(state)) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new RequestHandler(state_);
    }

private:
    std::shared_ptr<WebServer::State> state_;
};

}  // namespace

void WebServer::State::run_job(const std::shared_ptr<ReportEntry>& entry, std::vector<std::string> files,
                               std::string date) {
    auto scan_options = options.scan;
    scan_options.paths = std::move(files);
    scan_options.inspection_date = std::move(date);
    scan_options.progress = [entry](const ScanProgress& progress) {
        entry->done = progress.files_done;
        entry->total = progress.files_found;
    };

    Phase phase = Phase::ready;
    std::string summary;
    try {
        const auto report = scan(scan_options, log);
        {
            std::ofstream out(entry->folder / "report.json", std::ios::binary);
            write_json(report, out);
            if (!out) throw std::runtime_error("cannot write report.json");
        }
        {
            std::ofstream out(entry->folder / "report.html", std::ios::binary);
            write_html(report, out);
            if (!out) throw std::runtime_error("cannot write report.html");
        }
        write_xlsx(report, (entry->folder / "report.xlsx").string());
        std::map<std::string, int> counts;
        for (const auto& criterion : report.criteria) ++counts[std::string(to_string(criterion.status))];
        for (const auto& [status, count] : counts) {
            summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + status;
        }
    } catch (const std::exception& error) {
        phase = Phase::failed;
        summary = error.what();
        log.log(LogLevel::warning, "scan " + entry->id + " could not run: " + error.what());
    }

    // The uploaded export is deleted as soon as the reports are written.
    std::error_code ignored;
    fs::remove_all(entry->folder / "upload", ignored);
    const std::lock_guard lock(mutex);
    entry->phase = phase;
    entry->summary = summary;
    --running;
    wake.notify_all();
}

void WebServer::State::sweep() {
    std::unique_lock lock(mutex);
    while (!stopping) {
        wake.wait_for(lock, std::min<std::chrono::seconds>(options.keep, std::chrono::seconds(60)));
        const auto now = std::chrono::steady_clock::now();
        for (auto it = reports.begin(); it != reports.end();) {
            auto& entry = *it->second;
            if (entry.phase != Phase::scanning && now - entry.started >= options.keep) {
                if (entry.worker.joinable()) entry.worker.join();
                std::error_code ignored;
                fs::remove_all(entry.folder, ignored);
                std::erase(order, it->first);
                it = reports.erase(it);
            } else {
                ++it;
            }
        }
    }
}

WebServer::WebServer(ServeOptions options, Logger& log) : state_(std::make_shared<State>(std::move(options), log)) {
    auto& state = *state_;
    if (!state.options.allow_remote && !is_loopback_host(state.options.host)) {
        throw std::runtime_error("the address " + state.options.host +
                                 " is not loopback; add --allow-remote to serve other computers");
    }
    if (state.options.allow_remote && state.options.access_token.empty()) {
        throw std::runtime_error("serving other computers needs an access token");
    }

    auto pattern = (fs::temp_directory_path() / "iqts-serve-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
        throw std::runtime_error("cannot create a temporary folder under " + fs::temp_directory_path().string() + ": " +
                                 std::strerror(errno));
    }
    state.folder = pattern;

    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(state.options.host, state.options.port));
        state.port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setTimeout(Poco::Timespan(state.options.request_timeout.count(), 0));
        params->setKeepAliveTimeout(Poco::Timespan(10, 0));
        params->setMaxThreads(16);
        params->setMaxQueued(64);
        params->setServerName("iqts-scan");
        state.server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(state_), socket, params);
        state.server->start();
    } catch (const Poco::Exception& error) {
        std::error_code ignored;
        fs::remove_all(state.folder, ignored);
        throw std::runtime_error("cannot listen on " + state.options.host + ":" + std::to_string(state.options.port) +
                                 ": " + error.displayText());
    }
    state.sweeper = std::thread([&state] { state.sweep(); });
}

WebServer::~WebServer() {
    stop();
}

std::uint16_t WebServer::port() const {
    return state_->port;
}

std::string WebServer::url() const {
    const auto& host = state_->options.host;
    auto url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
               std::to_string(state_->port) + "/";
    if (!state_->options.access_token.empty()) url += "?token=" + state_->options.access_token;
    return url;
}

const std::filesystem::path& WebServer::folder() const {
    return state_->folder;
}

void WebServer::stop() {
    auto& state = *state_;
    {
        const std::lock_guard lock(state.mutex);
        if (state.stopped) return;
        state.stopped = true;
        state.stopping = true;
    }
    state.wake.notify_all();
    state.server->stopAll(true);
    // The handler factory owns a reference to the state, so the server goes first.
    state.server.reset();
    if (state.sweeper.joinable()) state.sweeper.join();

    std::vector<std::shared_ptr<ReportEntry>> entries;
    {
        const std::lock_guard lock(state.mutex);
        for (const auto& [id, entry] : state.reports) entries.push_back(entry);
    }
    // NOTE: a running scan cannot be cancelled, so stopping waits for it.
    for (const auto& entry : entries) {
        if (entry->worker.joinable()) entry->worker.join();
    }
    std::error_code error;
    fs::remove_all(state.folder, error);
    if (error) state.log.log(LogLevel::error, "cannot delete " + state.folder.string() + ": " + error.message());
}

std::string host_name(const std::string& host_header) {
    if (host_header.rfind('[', 0) == 0) {
        const auto end = host_header.find(']');
        return end == std::string::npos ? host_header : host_header.substr(1, end - 1);
    }
    const auto colon = host_header.rfind(':');
    return colon == std::string::npos ? host_header : host_header.substr(0, colon);
}

bool is_loopback_host(std::string_view host) {
    if (host == "localhost") return true;
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(std::string(host), address)) return false;
    return address.isLoopback();
}

bool secrets_equal(std::string_view expected, std::string_view given) {
    unsigned char difference = expected.size() == given.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        difference |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    }
    return difference == 0 && !expected.empty();
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> random(bytes);
    std::size_t filled = 0;
    while (filled < bytes) {
        const auto got = ::getrandom(random.data() + filled, bytes - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("cannot read random bytes: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(got);
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (const auto byte : random) {
        text += digits[byte >> 4];
        text += digits[byte & 15];
    }
    return text;
}

std::string safe_upload_name(std::string_view client_name) {
    const auto slash = client_name.find_last_of("/\\");
    if (slash != std::string_view::npos) client_name.remove_prefix(slash + 1);
    std::string name;
    for (const char c : client_name) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                          c == '-' || c == '_';
        name += safe ? c : '_';
    }
    while (!name.empty() && (name.front() == '.' || name.front() == '_')) name.erase(name.begin());
    if (name.size() > 120) name.erase(0, name.size() - 120);
    return name;
}

}  // namespace iqts::host
