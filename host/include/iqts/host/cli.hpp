#pragma once

namespace iqts::host {

// Parses the command line, runs the subcommand and returns the exit status:
// 0 when no criterion fails or is missing, 1 when one does, 2 when the scan
// could not run.
int run_cli(int argc, char** argv);

}  // namespace iqts::host
