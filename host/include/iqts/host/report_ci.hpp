#pragma once

#include <ostream>
#include <string>

#include "iqts/host/report.hpp"

namespace iqts::host {

// Writes the report as JUnit XML (the Ant/Jenkins layout that
// schemas/junit.xsd describes): one testsuite per Part, one testcase per
// criterion and subject. A testcase whose worst status is fail, missing or
// error holds a <failure>, one that is review or waived holds a <skipped>,
// and a passing one is empty.
void write_junit(const Report& report, std::ostream& out);

// Writes the report as SARIF 2.1.0: one rule per criterion, one result per
// finding that does not pass. Levels: fail, missing and error give "error",
// review gives "warning", waived gives "note". `docs_folder` is the folder
// that holds each plugin's README.md (plugins/c1_3_*/README.md); when a
// criterion's README is found there, it becomes the rule's help text,
// otherwise the criterion statement does.
void write_sarif(const Report& report, std::ostream& out, const std::string& docs_folder);

// Returns the folder of plugin READMEs: share/iqts-scan/plugins beside an
// installed executable, else the source tree's plugins folder; empty when
// neither exists.
std::string builtin_plugin_docs_folder();

}  // namespace iqts::host
