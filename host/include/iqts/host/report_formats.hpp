#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "iqts/host/report.hpp"

namespace iqts::host {

// Writes the filled-in compliance grid as an xlsx workbook with the sheets
// "Compliance grid", "Findings" and "Files". Every text is written as a
// string cell, never as a formula. The workbook goes to a temporary file
// beside `path` that is then renamed over it, so an interrupted run leaves
// any previous file intact. Evidence in a folder export is linked relative
// to `path`. Throws std::runtime_error naming the path on failure.
void write_xlsx(const Report& report, const std::string& path);

// Writes the HTML report: one self-contained page with inline styles, no
// scripts and nothing fetched from a network, that reads the same without
// colour and in print. Evidence files of a folder export are linked with
// file: URIs.
void write_html(const Report& report, std::ostream& out);

// Returns the file on disk that the virtual path `virtual_path` names, or
// nullopt unless that file exists in a folder export (not inside an archive).
// The export paths are resolved against the current directory, as the scan
// resolved them.
std::optional<std::filesystem::path> evidence_file_on_disk(const Report& report, std::string_view virtual_path);

// Returns `path` percent-encoded as a URI path: every byte except
// unreserved characters (RFC 3986) and '/' becomes %XX.
std::string percent_encode_path(std::string_view path);

}  // namespace iqts::host
