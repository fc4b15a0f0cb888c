#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace iqts::host {

// Writes a file atomically: `write` fills a temporary file beside `path`,
// which is then renamed over it, so an interrupted run leaves the previous
// file intact. Throws std::runtime_error naming the path on failure.
void write_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace iqts::host
