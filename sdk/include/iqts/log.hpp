#pragma once

#include <string>

namespace iqts {

enum class LogLevel { debug, info, warning, error };

// The host's log sink. Personal data may only go to debug, and never when
// the scan runs with --redact.
class Logger {
public:
    virtual ~Logger() = default;
    virtual void log(LogLevel level, const std::string& message) = 0;
};

}  // namespace iqts
