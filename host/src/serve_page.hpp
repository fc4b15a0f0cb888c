#pragma once

// Pages and the script of `iqts-scan serve`, built into the binary so the
// server reads no template file at run time.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace iqts::host::serve_page {

struct ReportRow {
    std::string id;
    std::string label;    // uploaded file names
    std::string created;  // UTC time, YYYY-MM-DD HH:MM
    std::string state;    // "scanning", "ready" or "failed"
    std::string summary;  // criterion counts when ready, the reason when failed
};

// Escapes text for HTML element content and attribute values.
std::string escape(std::string_view text);

// Returns the start page: the upload form and the reports of this session.
std::string index(const std::string& csrf_token, const std::vector<ReportRow>& reports, std::size_t max_upload_mb);

// Returns the page shown while a scan runs; the script polls its status.
std::string progress(const ReportRow& report);

// Returns the page of a scan that could not run.
std::string failed(const ReportRow& report);

// Returns the HTML report with a bar of download links inserted after <body>.
std::string report(const ReportRow& report, const std::string& report_html);

// Returns a short page for an error status.
std::string error(int status, const std::string& reason, const std::string& message);

// The same-origin script: drag and drop onto the upload form, and polling.
extern const std::string_view script;

}  // namespace iqts::host::serve_page
