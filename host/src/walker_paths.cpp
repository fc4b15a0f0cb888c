#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "walker_detail.hpp"

namespace iqts::host {
namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> components;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        components.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return components;
}

std::string format_size(std::uint64_t bytes) {
    constexpr std::uint64_t mebibyte = 1ull << 20;
    if (bytes % mebibyte == 0) {
        return std::to_string(bytes / mebibyte) + " MB";
    }
    return std::to_string(bytes) + " bytes";
}

std::string format_ratio(double ratio) {
    std::ostringstream text;
    text << ratio;
    return text.str();
}

}  // namespace

std::string skip_reason(const std::string& virtual_path) {
    const std::vector<std::string> components = split_path(virtual_path);
    for (std::size_t i = 0; i + 1 < components.size(); ++i) {
        if (walker_detail::lowercase_ascii(components[i]) == "__macosx") {
            return "macOS resource fork (__MACOSX folder)";
        }
    }

    const std::string& name = components.back();
    const std::string lower = walker_detail::lowercase_ascii(name);
    if (name.starts_with("~$")) {
        return "Office lock file";
    }
    if (name.starts_with("._")) {
        return "macOS resource fork (AppleDouble file)";
    }
    if (lower == ".ds_store") {
        return "macOS folder settings (.DS_Store)";
    }
    if (lower == "thumbs.db") {
        return "Windows thumbnail cache (Thumbs.db)";
    }
    if (lower == "desktop.ini") {
        return "Windows folder settings (desktop.ini)";
    }
    return std::string();
}

namespace walker_detail {

std::string entry_limit_reason(const WalkLimits& limits) {
    return "larger than the max of " + format_size(limits.max_entry_bytes) +
           " for one file; raise it with --max-entry-mb";
}

std::string total_limit_reason(const WalkLimits& limits) {
    return "the files read reach the max of " + format_size(limits.max_total_bytes) +
           " for the whole export; raise it with --max-total-mb";
}

std::string depth_limit_reason(const WalkLimits& limits, int depth) {
    return "archive nested " + std::to_string(depth) + " archives deep, over the max of " +
           std::to_string(limits.max_nesting_depth) + "; raise it with --max-depth";
}

std::string entries_limit_reason(const WalkLimits& limits) {
    return "archive holds more than the max of " + std::to_string(limits.max_entries_per_archive) +
           " entries, so only those were read; raise it with --max-entries";
}

std::string ratio_limit_reason(const WalkLimits& limits) {
    return "expands to more than " + format_ratio(limits.max_compression_ratio) +
           " times the size of its archive (a possible zip bomb); raise the max ratio with --max-ratio";
}

std::string lowercase_ascii(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c);
    });
    return lower;
}

std::string format_utc(std::time_t time) {
    std::tm parts{};
    if (gmtime_r(&time, &parts) == nullptr) {
        return std::string();
    }
    char text[32];
    const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return std::string(text, length);
}

std::string normalise_entry_path(std::string_view name, bool backslash_separates) {
    std::string path(name);
    if (backslash_separates) {
        std::replace(path.begin(), path.end(), '\\', '/');
    }

    // Before the first real component: Windows long-path and device prefixes
    // ("//?/", "//./", "//?/UNC/") and a drive letter ("C:", "D:..") go.
    // After it, ".." climbs within the archive only, never above its root.
    std::vector<std::string> kept;
    bool at_start = true;
    bool after_prefix = false;
    for (std::string& component : split_path(path)) {
        if (component.empty() || component == ".") {
            continue;
        }
        if (at_start && (component == "?" || (after_prefix && component == "UNC"))) {
            after_prefix = true;
            continue;
        }
        if (at_start && component.size() >= 2 && std::isalpha(static_cast<unsigned char>(component[0])) &&
            component[1] == ':') {
            component.erase(0, 2);
            if (component.empty()) {
                continue;
            }
        }
        if (component == "..") {
            if (!kept.empty()) {
                kept.pop_back();
            }
            continue;
        }
        kept.push_back(std::move(component));
        at_start = false;
    }

    std::string normalised;
    for (const std::string& component : kept) {
        if (!normalised.empty()) {
            normalised += '/';
        }
        normalised += component;
    }
    return normalised;
}

}  // namespace walker_detail
}  // namespace iqts::host
