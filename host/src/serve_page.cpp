#include "serve_page.hpp"

namespace iqts::host::serve_page {
namespace {

constexpr std::string_view style = R"(<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #111; }
h1 { font-size: 1.5em; }
.drop { border: 2px dashed #666; padding: 1.5em; margin: 1em 0; border-radius: 6px; }
.drop.over { background: #eef; border-color: #224; }
label { display: block; margin: 0.6em 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; }
button { font-size: 1em; padding: 0.4em 1.2em; }
.note { color: #444; font-size: 0.9em; }
</style>)";

std::string head(std::string_view title) {
    std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>";
    page += escape(title);
    page += "</title>";
    page += style;
    page += "</head><body>\n";
    return page;
}

std::string report_link(const ReportRow& report) {
    return "<a href=\"/reports/" + report.id + "\">" + escape(report.label) + "</a>";
}

}  // namespace

std::string escape(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            case '\'': escaped += "&#39;"; break;
            default: escaped += c;
        }
    }
    return escaped;
}

std::string index(const std::string& csrf_token, const std::vector<ReportRow>& reports, std::size_t max_upload_mb) {
    auto page = head("iqts-scan");
    page += "<h1>iqts-scan: check an iQTS evidence export</h1>\n";
    page += "<form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\" id=\"upload\">\n";
    // The token comes before the files, so the server checks it before it
    // writes any uploaded byte.
    page += "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf_token) + "\">\n";
    page += "<label for=\"inspection_date\">Inspection date (optional): "
            "<input type=\"date\" id=\"inspection_date\" name=\"inspection_date\"></label>\n";
    page += "<div class=\"drop\" id=\"drop\"><label for=\"files\">Choose or drop the export zip, or all parts "
            "of a split zip:</label>\n<input type=\"file\" id=\"files\" name=\"files\" multiple required "
            "accept=\".zip,.tar,.tgz,.gz,.7z\">\n"
            "<p class=\"note\" id=\"chosen\"></p></div>\n";
    page += "<button type=\"submit\">Scan</button>\n";
    page += "<p class=\"note\">Uploads up to " + std::to_string(max_upload_mb) +
            " MiB. Files stay on this computer in a private temporary folder, deleted when the server "
            "stops.</p>\n</form>\n";

    page += "<h2>Reports of this session</h2>\n";
    if (reports.empty()) {
        page += "<p id=\"reports\">None yet.</p>\n";
    } else {
        page += "<table id=\"reports\"><tr><th>Upload</th><th>Started (UTC)</th><th>State</th><th>Result</th></tr>\n";
        for (const auto& report : reports) {
            page += "<tr><td>" + report_link(report) + "</td><td>" + escape(report.created) + "</td><td>" +
                    escape(report.state) + "</td><td>" + escape(report.summary) + "</td></tr>\n";
        }
        page += "</table>\n";
    }
    page += "<script src=\"/app.js\"></script>\n</body></html>\n";
    return page;
}

std::string progress(const ReportRow& report) {
    auto page = head("Scanning - iqts-scan");
    page += "<h1>Scanning " + escape(report.label) + "</h1>\n";
    page += "<p id=\"progress\" data-status=\"/reports/" + report.id +
            "/status\">Reading files: <span id=\"done\">0</span> of <span id=\"total\">0</span> found so far.</p>\n";
    page += "<p class=\"note\">This page updates itself; without scripts, reload it.</p>\n";
    page += "<p><a href=\"/\">All reports</a></p>\n";
    page += "<script src=\"/app.js\"></script>\n</body></html>\n";
    return page;
}

std::string failed(const ReportRow& report) {
    auto page = head("Scan failed - iqts-scan");
    page += "<h1>The scan of " + escape(report.label) + " could not run</h1>\n";
    page += "<p id=\"failure\">" + escape(report.summary) + "</p>\n";
    page += "<p><a href=\"/\">Back to the upload form</a></p>\n</body></html>\n";
    return page;
}

std::string report(const ReportRow& report, const std::string& report_html) {
    const std::string bar =
        "\n<nav id=\"downloads\" style=\"border-bottom:1px solid #999;padding:0.5em 0;margin-bottom:1em\">"
        "<a href=\"/\">All reports</a> | <a href=\"/reports/" + report.id +
        "/report.xlsx\" download>Download the compliance grid (xlsx)</a> | <a href=\"/reports/" + report.id +
        "/report.json\" download>Download JSON</a></nav>\n";
    auto page = report_html;
    const auto body = page.find("<body");
    const auto end = body == std::string::npos ? std::string::npos : page.find('>', body);
    if (end == std::string::npos) return head("Report - iqts-scan") + bar + page + "</body></html>\n";
    page.insert(end + 1, bar);
    return page;
}

std::string error(int status, const std::string& reason, const std::string& message) {
    auto page = head(std::to_string(status) + " " + reason);
    page += "<h1>" + std::to_string(status) + " " + escape(reason) + "</h1>\n<p>" + escape(message) + "</p>\n";
    page += "<p><a href=\"/\">Back to the upload form</a></p>\n</body></html>\n";
    return page;
}

const std::string_view script = R"(// iqts-scan serve: drag and drop onto the upload form, and scan progress.
'use strict';
(function () {
  var drop = document.getElementById('drop');
  var input = document.getElementById('files');
  var chosen = document.getElementById('chosen');
  function showChosen() {
    var names = [];
    for (var i = 0; i < input.files.length; i++) names.push(input.files[i].name);
    chosen.textContent = names.length ? 'Chosen: ' + names.join(', ') : '';
  }
  if (drop && input) {
    input.addEventListener('change', showChosen);
    drop.addEventListener('dragover', function (event) {
      event.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (event) {
      event.preventDefault();
      drop.classList.remove('over');
      input.files = event.dataTransfer.files;
      showChosen();
    });
  }

  var progress = document.getElementById('progress');
  if (progress) {
    var poll = function () {
      fetch(progress.dataset.status, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          document.getElementById('done').textContent = status.done;
          document.getElementById('total').textContent = status.total;
          if (status.state === 'scanning') {
            setTimeout(poll, 1000);
          } else {
            location.reload();
          }
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    poll();
  }
})();
)";

}  // namespace iqts::host::serve_page
