// The web page of `iqts-scan serve`, driven through a real socket on
// 127.0.0.1 with Poco's HTTP client.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

#include <Poco/Net/FilePartSource.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>

#include "iqts/host/serve.hpp"
#include "scan_support.hpp"

namespace {

using iqts::host::ServeOptions;
using iqts::host::WebServer;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

const std::string sample_zip = std::string(IQTS_SOURCE_DIR) + "/fixtures/sample-export.zip";

class QuietLogger : public iqts::Logger {
public:
    void log(iqts::LogLevel, const std::string&) override {}
};

struct Answer {
    int status = 0;
    std::string body;
    HTTPResponse response;
};

// A browser-like client: it keeps the cookies the server sets.
class Client {
public:
    explicit Client(std::uint16_t port) : port_(port) {}

    Answer get(const std::string& path) {
        HTTPRequest request(HTTPRequest::HTTP_GET, path, HTTPRequest::HTTP_1_1);
        return send(request, nullptr);
    }

    // Sends a GET that names `host` in its Host header, as a page on another
    // domain that resolves to 127.0.0.1 would.
    Answer get_as_host(const std::string& path, const std::string& host) {
        HTTPRequest request(HTTPRequest::HTTP_GET, path, HTTPRequest::HTTP_1_1);
        request.setHost(host);
        return send(request, nullptr);
    }

    // Posts `zip` as the form's file with `csrf` as its CSRF field; no field when empty.
    Answer upload(const std::string& zip, const std::string& csrf, bool with_length = false) {
        HTTPRequest request(HTTPRequest::HTTP_POST, "/upload", HTTPRequest::HTTP_1_1);
        Poco::Net::HTMLForm form(Poco::Net::HTMLForm::ENCODING_MULTIPART);
        if (!csrf.empty()) form.set("csrf", csrf);
        form.addPart("files", new Poco::Net::FilePartSource(zip, "application/zip"));
        form.prepareSubmit(request);
        if (with_length) {
            request.setChunkedTransferEncoding(false);
            request.setContentLength64(static_cast<Poco::Int64>(form.calculateContentLength()));
        }
        return send(request, &form);
    }

    // Returns the CSRF token of the upload page, loading it first.
    std::string csrf() {
        get("/");
        return cookies_["iqts_csrf"];
    }

    std::map<std::string, std::string>& cookies() { return cookies_; }

private:
    Answer send(HTTPRequest& request, Poco::Net::HTMLForm* form) {
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(120, 0));
        Poco::Net::NameValueCollection cookies;
        for (const auto& [name, value] : cookies_) cookies.add(name, value);
        if (!cookies_.empty()) request.setCookies(cookies);
        auto& out = session.sendRequest(request);
        if (form) form->write(out);
        Answer answer;
        auto& in = session.receiveResponse(answer.response);
        Poco::StreamCopier::copyToString(in, answer.body);
        answer.status = answer.response.getStatus();
        std::vector<Poco::Net::HTTPCookie> set;
        answer.response.getCookies(set);
        for (const auto& cookie : set) cookies_[cookie.getName()] = cookie.getValue();
        return answer;
    }

    std::uint16_t port_;
    std::map<std::string, std::string> cookies_;
};

ServeOptions test_options() {
    ServeOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    return options;
}

// Polls the status of report `id` until its scan has ended; returns the last state.
std::string wait_for_scan(Client& client, const std::string& id) {
    for (int attempt = 0; attempt < 1200; ++attempt) {
        const auto status = client.get("/reports/" + id + "/status");
        if (status.body.find("\"scanning\"") == std::string::npos) return status.body;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return "still scanning";
}

std::map<std::string, std::string> criterion_statuses(const std::string& json) {
    std::map<std::string, std::string> statuses;
    const auto criteria = iqts::test::parse_report(json)->getArray("criteria");
    for (std::size_t i = 0; i < criteria->size(); ++i) {
        const auto entry = criteria->getObject(static_cast<unsigned>(i));
        statuses[entry->getValue<std::string>("id")] = entry->getValue<std::string>("status");
    }
    return statuses;
}

TEST(Serve, UploadScansLikeCli) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    const auto csrf = client.csrf();

    const auto posted = client.upload(sample_zip, csrf);
    ASSERT_EQ(posted.status, 303) << posted.body;
    const auto location = posted.response.get("Location");
    ASSERT_EQ(location.size(), std::string("/reports/").size() + 32) << location;
    const auto id = location.substr(std::string("/reports/").size());

    const auto state = wait_for_scan(client, id);
    EXPECT_NE(state.find("\"ready\""), std::string::npos) << state;

    const auto page = client.get(location);
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("id=\"downloads\""), std::string::npos);
    EXPECT_NE(page.body.find("C1.1"), std::string::npos);

    const auto json = client.get(location + "/report.json");
    ASSERT_EQ(json.status, 200);
    EXPECT_EQ(json.response.getContentType(), "application/json");
    const auto cli = iqts::test::run_scanner("scan --format json " + iqts::test::shell_quote(sample_zip));
    EXPECT_EQ(criterion_statuses(json.body), criterion_statuses(cli.out));

    const auto xlsx = client.get(location + "/report.xlsx");
    ASSERT_EQ(xlsx.status, 200);
    EXPECT_EQ(xlsx.body.substr(0, 2), "PK");

    const auto index = client.get("/");
    EXPECT_NE(index.body.find(location), std::string::npos) << "the report stays listed";
}

TEST(Serve, SecurityHeaders) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    const auto page = client.get("/");
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.response.getContentType(), "text/html; charset=utf-8");
    EXPECT_EQ(page.response.get("X-Content-Type-Options", ""), "nosniff");
    EXPECT_EQ(page.response.get("Referrer-Policy", ""), "no-referrer");
    EXPECT_EQ(page.response.get("Content-Security-Policy", ""),
              "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src data:; "
              "connect-src 'self'; form-action 'self'; frame-ancestors 'none'");
    const auto script = client.get("/app.js");
    EXPECT_EQ(script.response.getContentType(), "text/javascript; charset=utf-8");
}

TEST(Serve, OversizedUploadWithLength413) {
    QuietLogger log;
    auto options = test_options();
    options.max_upload_bytes = 100'000;  // the sample zip is larger
    WebServer server(options, log);
    Client client(server.port());
    EXPECT_EQ(client.upload(sample_zip, client.csrf(), true).status, 413);
}

TEST(Serve, OversizedChunkedUpload413) {
    QuietLogger log;
    auto options = test_options();
    options.max_upload_bytes = 100'000;
    WebServer server(options, log);
    Client client(server.port());
    EXPECT_EQ(client.upload(sample_zip, client.csrf()).status, 413);
}

TEST(Serve, MissingCsrf403) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    client.csrf();
    EXPECT_EQ(client.upload(sample_zip, "").status, 403);
}

TEST(Serve, WrongCsrf403) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    client.csrf();
    EXPECT_EQ(client.upload(sample_zip, std::string(32, 'a')).status, 403);
}

TEST(Serve, CsrfWithoutCookie403) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    EXPECT_EQ(client.upload(sample_zip, std::string(32, 'a')).status, 403);
}

TEST(Serve, TooManyScans429) {
    QuietLogger log;
    auto options = test_options();
    options.max_scans = 0;  // every scan slot is taken
    WebServer server(options, log);
    Client client(server.port());
    EXPECT_EQ(client.upload(sample_zip, client.csrf()).status, 429);
}

TEST(Serve, UnknownReport404) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    EXPECT_EQ(client.get("/reports/" + std::string(32, '0')).status, 404);
    EXPECT_EQ(client.get("/reports/" + std::string(32, '0') + "/report.json").status, 404);
    EXPECT_EQ(client.get("/reports/not-an-id").status, 404);
}

TEST(Serve, ForeignHostHeader403) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    EXPECT_EQ(client.get_as_host("/", "attacker.example:" + std::to_string(server.port())).status, 403);
    EXPECT_EQ(client.get_as_host("/", "localhost:" + std::to_string(server.port())).status, 200);
    EXPECT_EQ(client.get_as_host("/", "[::1]:" + std::to_string(server.port())).status, 200);
}

TEST(Serve, DotDotPath404) {
    QuietLogger log;
    WebServer server(test_options(), log);
    Client client(server.port());
    EXPECT_EQ(client.get("/reports/../../etc/passwd").status, 404);
    EXPECT_EQ(client.get("/%2e%2e/%2e%2e/etc/passwd").status, 404);
    EXPECT_EQ(client.get("/app.js/..").status, 404);
}

TEST(Serve, AccessTokenRequired) {
    QuietLogger log;
    auto options = test_options();
    options.allow_remote = true;
    options.access_token = iqts::host::random_hex(16);
    WebServer server(options, log);
    Client client(server.port());
    EXPECT_EQ(client.get("/").status, 401);
    EXPECT_EQ(client.get("/?token=" + std::string(32, 'b')).status, 401);
    EXPECT_EQ(client.get("/?token=" + options.access_token).status, 303);
    EXPECT_EQ(client.get("/").status, 200) << "the cookie carries the token";
}

TEST(Serve, WrongAccessCookie401) {
    QuietLogger log;
    auto options = test_options();
    options.allow_remote = true;
    options.access_token = iqts::host::random_hex(16);
    WebServer server(options, log);
    Client client(server.port());
    client.cookies()["iqts_access"] = std::string(32, 'c');
    EXPECT_EQ(client.get("/").status, 401);
}

TEST(Serve, RemoteAddressNeedsAllowRemote) {
    QuietLogger log;
    auto options = test_options();
    options.host = "0.0.0.0";
    EXPECT_THROW(WebServer(options, log), std::runtime_error);
}

TEST(Serve, StopDeletesTemporaryFolder) {
    QuietLogger log;
    std::filesystem::path folder;
    {
        WebServer server(test_options(), log);
        folder = server.folder();
        Client client(server.port());
        const auto posted = client.upload(sample_zip, client.csrf());
        ASSERT_EQ(posted.status, 303);
        wait_for_scan(client, posted.response.get("Location").substr(9));
        EXPECT_TRUE(std::filesystem::is_directory(folder));
        EXPECT_EQ(std::filesystem::status(folder).permissions() & std::filesystem::perms::all,
                  std::filesystem::perms::owner_all);
    }
    EXPECT_FALSE(std::filesystem::exists(folder));
}

TEST(ServeHelpers, LoopbackHosts) {
    EXPECT_TRUE(iqts::host::is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(iqts::host::is_loopback_host("127.0.0.2"));
    EXPECT_TRUE(iqts::host::is_loopback_host("::1"));
    EXPECT_TRUE(iqts::host::is_loopback_host("localhost"));
    EXPECT_FALSE(iqts::host::is_loopback_host("0.0.0.0"));
    EXPECT_FALSE(iqts::host::is_loopback_host("192.0.2.1"));
}

TEST(ServeHelpers, HostNameWithoutPort) {
    EXPECT_EQ(iqts::host::host_name("127.0.0.1:8080"), "127.0.0.1");
    EXPECT_EQ(iqts::host::host_name("[::1]:8080"), "::1");
    EXPECT_EQ(iqts::host::host_name("localhost"), "localhost");
}

TEST(ServeHelpers, SecretsEqual) {
    EXPECT_TRUE(iqts::host::secrets_equal("abcd", "abcd"));
    EXPECT_FALSE(iqts::host::secrets_equal("abcd", "abce"));
    EXPECT_FALSE(iqts::host::secrets_equal("abcd", "abc"));
    EXPECT_FALSE(iqts::host::secrets_equal("", ""));
}

TEST(ServeHelpers, SafeUploadName) {
    EXPECT_EQ(iqts::host::safe_upload_name("export.zip"), "export.zip");
    EXPECT_EQ(iqts::host::safe_upload_name("../../etc/passwd"), "passwd");
    EXPECT_EQ(iqts::host::safe_upload_name("C:\\Users\\x\\iQTS evidence.z01"), "iQTS_evidence.z01");
    EXPECT_EQ(iqts::host::safe_upload_name(".."), "");
}

TEST(ServeHelpers, RandomIdIs32Hex) {
    const auto id = iqts::host::random_hex(16);
    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
