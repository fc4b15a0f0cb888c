#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace iqts {

// Ordered from best to worst: a criterion takes the worst status of its findings.
enum class Status { pass, waived, review, missing, fail, error };

inline std::string_view to_string(Status status) {
    switch (status) {
        case Status::pass: return "pass";
        case Status::waived: return "waived";
        case Status::review: return "review";
        case Status::missing: return "missing";
        case Status::fail: return "fail";
        case Status::error: return "error";
    }
    return "error";
}

inline Status worst(Status a, Status b) { return a < b ? b : a; }

// Where a finding's evidence sits: a virtual path and a place inside it.
struct Evidence {
    std::string path;
    std::string location;   // "Trainees!M10", "page 2"; empty for the whole file
};

struct Finding {
    Status status = Status::pass;
    std::string subject;    // trainee id, school, mentor or statement id; empty for the programme
    std::string message;
    std::vector<Evidence> evidence;
};

}  // namespace iqts
