// Resolution of compliance-grid links to files of the export, and the
// inspection folder convention.

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "grid_detail.hpp"
#include "iqts/host/grid.hpp"

namespace iqts::host {
namespace {

using grid_detail::file_stem;
using grid_detail::last_component;
using grid_detail::normalise_words;

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes. A '%' not followed by two hex digits stays as it is,
// so a file named "100% done.docx" survives.
std::string percent_decode(std::string_view text, bool plus_is_space = false) {
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else if (plus_is_space && text[i] == '+') {
            decoded += ' ';
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

// Splits a link's path at '/' and '\', keeping "." and ".." for the caller.
std::vector<std::string> split_link_path(std::string_view path) {
    std::vector<std::string> components;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find_first_of("/\\", start);
        if (end == std::string_view::npos) end = path.size();
        if (end > start) components.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return components;
}

// Applies `link` to `base`: "." is dropped and ".." removes the last
// component (or nothing, at the top).
std::vector<std::string> apply_components(std::vector<std::string> base, const std::vector<std::string>& link) {
    for (const auto& component : link) {
        if (component == ".") continue;
        if (component == "..") {
            if (!base.empty()) base.pop_back();
            continue;
        }
        base.push_back(lowercase(component));
    }
    return base;
}

// One component of a virtual path and the offset where the path up to and
// including it ends.
struct VirtualComponent {
    std::string name;
    std::size_t end = 0;
};

// Splits a virtual path at '/' and at the "!/" mark that follows an archive.
std::vector<VirtualComponent> split_virtual(const std::string& path) {
    std::vector<VirtualComponent> components;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        std::size_t end = slash;
        if (slash < path.size() && end > start && path[end - 1] == '!') --end;
        if (end > start) components.push_back({path.substr(start, end - start), end});
        start = slash + 1;
    }
    return components;
}

// A link reduced to path components, or the reason it names no path.
struct ParsedLink {
    std::vector<std::string> components;
    bool relative = false;
    std::string opaque_reason;
};

std::map<std::string, std::string> query_parameters(std::string_view query) {
    std::map<std::string, std::string> parameters;
    std::size_t start = 0;
    while (start < query.size()) {
        auto end = query.find('&', start);
        if (end == std::string_view::npos) end = query.size();
        const auto pair = query.substr(start, end - start);
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos) {
            parameters[lowercase(pair.substr(0, equals))] = percent_decode(pair.substr(equals + 1), true);
        }
        start = end + 1;
    }
    return parameters;
}

ParsedLink parse_web_link(std::string_view link) {
    const auto after_scheme = link.substr(link.find("://") + 3);
    auto slash = after_scheme.find('/');
    if (slash == std::string_view::npos) slash = after_scheme.size();
    const std::string host = lowercase(after_scheme.substr(0, slash));
    std::string_view rest = after_scheme.substr(slash);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    std::string_view query;
    if (const auto question = rest.find('?'); question != std::string_view::npos) {
        query = rest.substr(question + 1);
        rest = rest.substr(0, question);
    }
    const auto parameters = query_parameters(query);
    std::string path = percent_decode(rest);

    // SharePoint and OneDrive library views carry the file's path in "id".
    if (const auto id = parameters.find("id"); id != parameters.end() && id->second.find('/') != std::string::npos) {
        path = id->second;
    }

    ParsedLink parsed;
    parsed.components = split_link_path(path);
    const bool google = host == "drive.google.com" || host == "docs.google.com";
    if (google && (path.find("/d/") != std::string::npos || parameters.count("id") > 0)) {
        parsed.opaque_reason = "a Google Drive link names the file by its Drive id only, so it cannot be "
                               "matched to a file of the export; link to the file's path or check it by hand";
    } else if (host == "1drv.ms" || (host == "onedrive.live.com" && parameters.count("id") > 0 &&
                                     path.find('/') == std::string::npos)) {
        parsed.opaque_reason = "a OneDrive link names the file by an id only, so it cannot be matched to a "
                               "file of the export; link to the file's path or check it by hand";
    }
    return parsed;
}

ParsedLink parse_link(std::string_view link) {
    link = trim(link);
    if (link.size() >= 2 && ((link.front() == '"' && link.back() == '"') || (link.front() == '<' && link.back() == '>'))) {
        link = trim(link.substr(1, link.size() - 2));
    }

    // Office URI schemes wrap the web address: "ms-word:ofe|u|https://...".
    if (const auto wrapped = link.find("|u|"); wrapped != std::string_view::npos) link = link.substr(wrapped + 3);

    const std::string lower = lowercase(link);
    if (lower.starts_with("http://") || lower.starts_with("https://")) return parse_web_link(link);

    ParsedLink parsed;
    if (lower.starts_with("file:")) {
        auto rest = link.substr(5);
        if (const auto cut = rest.find_first_of("?#"); cut != std::string_view::npos) rest = rest.substr(0, cut);
        parsed.components = split_link_path(percent_decode(rest));
        return parsed;
    }

    static const RE2 scheme("([A-Za-z][A-Za-z0-9+.-]+):.*");
    std::string scheme_name;
    if (RE2::FullMatch(std::string(link), scheme, &scheme_name)) {
        parsed.opaque_reason = "'" + scheme_name + ":' is not a link to a file";
        return parsed;
    }

    // A bookmark inside the document ("#_Toc1") is not part of the path.
    if (const auto hash = link.find('#'); hash != std::string_view::npos) link = link.substr(0, hash);
    const bool absolute = link.starts_with('/') || link.starts_with('\\') ||
                          (link.size() >= 2 && std::isalpha(static_cast<unsigned char>(link[0])) && link[1] == ':');
    parsed.relative = !absolute;
    parsed.components = split_link_path(percent_decode(link));
    return parsed;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    a = a.substr(0, 200);
    b = b.substr(0, 200);
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::set<std::string> word_set(const std::string& normalised) {
    const auto words = grid_detail::split_words(normalised);
    return {words.begin(), words.end()};
}

// Removes an archive extension, so that a zipped "iQTS inspection – March
// 2027.zip" counts as the folder it was made from.
std::string without_archive_extension(const std::string& name) {
    static const RE2 archive(R"((?i)(.*?)\.(zip|7z|tar|tgz|tar\.gz|tar\.xz|tar\.bz2))");
    std::string stem;
    return RE2::FullMatch(name, archive, &stem) ? stem : name;
}

bool is_inspection_folder_name(const std::string& name) {
    static const RE2 pattern(
        "(?i)\\s*iqts[\\s_-]*inspection\\s*(?:[-:\u2010\u2011\u2012\u2013\u2014\u2015\u2212]\\s*)?"
        "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
        "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?\\s+[0-9]{4}\\s*");
    return RE2::FullMatch(without_archive_extension(name), pattern);
}

bool is_inside(const std::string& path, const std::string& folder) {
    return path.size() > folder.size() && path.starts_with(folder) &&
           (path[folder.size()] == '/' || path.compare(folder.size(), 2, "!/") == 0);
}

}  // namespace

namespace grid_detail {

// Every file of the export and every folder that holds one, looked up by
// lower-case path components.
class ExportTree {
public:
    explicit ExportTree(const std::vector<std::string>& paths) {
        for (const auto& path : paths) {
            const auto components = split_virtual(path);
            std::vector<std::string> lower;
            for (std::size_t i = 0; i < components.size(); ++i) {
                lower.push_back(lowercase(components[i].name));
                add(lower, path.substr(0, components[i].end), i + 1 < components.size());
            }
        }
    }

    const std::string* exact(const std::vector<std::string>& lower) const {
        const auto found = by_key_.find(join(lower));
        return found == by_key_.end() ? nullptr : &entries_[found->second].display;
    }

    // Returns the file or folder whose path ends in the longest run of
    // `lower`'s last components, preferring files and then earlier paths.
    const std::string* longest_tail(const std::vector<std::string>& lower) const {
        if (lower.empty()) return nullptr;
        const Entry* best = nullptr;
        std::size_t best_length = 0;
        const auto [first, last] = by_name_.equal_range(lower.back());
        for (auto it = first; it != last; ++it) {
            const Entry& entry = entries_[it->second];
            std::size_t length = 0;
            while (length < lower.size() && length < entry.lower.size() &&
                   lower[lower.size() - 1 - length] == entry.lower[entry.lower.size() - 1 - length]) {
                ++length;
            }
            const bool better = length > best_length ||
                                (length == best_length && best != nullptr && best->folder && !entry.folder);
            if (better) {
                best = &entry;
                best_length = length;
            }
        }
        return best == nullptr ? nullptr : &best->display;
    }

private:
    struct Entry {
        std::vector<std::string> lower;
        std::string display;
        bool folder = false;
    };

    static std::string join(const std::vector<std::string>& lower) {
        std::string key;
        for (const auto& component : lower) {
            key += component;
            key += '/';
        }
        return key;
    }

    void add(const std::vector<std::string>& lower, std::string display, bool folder) {
        const auto [position, inserted] = by_key_.emplace(join(lower), entries_.size());
        if (!inserted) return;
        by_name_.emplace(lower.back(), entries_.size());
        entries_.push_back({lower, std::move(display), folder});
    }

    std::vector<Entry> entries_;
    std::map<std::string, std::size_t> by_key_;
    std::multimap<std::string, std::size_t> by_name_;
};

}  // namespace grid_detail

LinkResolver::LinkResolver(const std::vector<std::string>& paths)
    : tree_(std::make_unique<grid_detail::ExportTree>(paths)) {}

LinkResolver::~LinkResolver() = default;

LinkResolution LinkResolver::resolve(const std::string& link, const std::string& grid_path) const {
    const auto& tree = *tree_;
    LinkResolution resolution;
    const ParsedLink parsed = parse_link(link);
    if (!parsed.opaque_reason.empty()) {
        resolution.reason = parsed.opaque_reason;
        return resolution;
    }
    if (parsed.components.empty()) {
        resolution.reason = "the link names no file";
        return resolution;
    }

    if (parsed.relative) {
        std::vector<std::string> base;
        const auto grid_components = split_virtual(grid_path);
        for (std::size_t i = 0; i + 1 < grid_components.size(); ++i) base.push_back(lowercase(grid_components[i].name));
        if (const auto* found = tree.exact(apply_components(base, parsed.components))) {
            resolution.resolved = true;
            resolution.path = *found;
            return resolution;
        }
    }

    // A link written from another root (a SharePoint library, a synced
    // folder, a drive letter) still ends in the export's own folders.
    if (const auto* found = tree.longest_tail(apply_components({}, parsed.components))) {
        resolution.resolved = true;
        resolution.path = *found;
        return resolution;
    }
    resolution.reason = "no file or folder named '" + parsed.components.back() + "' is in the export";
    return resolution;
}

LinkResolution resolve_link(const std::string& link, const std::string& grid_path,
                            const std::vector<std::string>& paths) {
    return LinkResolver(paths).resolve(link, grid_path);
}

std::vector<std::string> closest_paths(const std::string& wanted, const std::vector<std::string>& paths,
                                       std::size_t count) {
    const std::string wanted_name = normalise_words(file_stem(last_component(percent_decode(wanted))));
    const auto wanted_words = word_set(wanted_name);

    struct Scored {
        double overlap;
        std::size_t distance;
        const std::string* path;
    };
    std::vector<Scored> scored;
    std::set<std::string> seen;
    for (const auto& path : paths) {
        if (!seen.insert(path).second) continue;
        const std::string name = normalise_words(file_stem(last_component(path)));
        const auto words = word_set(name);
        std::size_t shared = 0;
        for (const auto& word : words) shared += wanted_words.count(word);
        if (shared == 0) continue;
        const double overlap = static_cast<double>(shared) / static_cast<double>(words.size() + wanted_words.size() - shared);
        scored.push_back({overlap, edit_distance(wanted_name, name), &path});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
        if (a.overlap != b.overlap) return a.overlap > b.overlap;
        return a.distance < b.distance;
    });

    std::vector<std::string> closest;
    for (std::size_t i = 0; i < scored.size() && closest.size() < count; ++i) closest.push_back(*scored[i].path);
    return closest;
}

FolderConvention check_folder(const EvidenceIndex& index, const Grid& grid) {
    std::vector<std::string> folders;
    for (const auto& file : index.files()) {
        const auto components = split_virtual(file.path);
        for (std::size_t i = 0; i + 1 < components.size(); ++i) {
            if (!is_inspection_folder_name(components[i].name)) continue;
            const std::string folder = file.path.substr(0, components[i].end);
            if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
        }
    }

    FolderConvention convention;
    for (const auto& folder : folders) {
        if (!grid.path.empty() && is_inside(grid.path, folder)) {
            convention.folder = folder;
            convention.grid_inside = true;
        }
    }
    if (convention.folder.empty() && !folders.empty()) convention.folder = folders.front();
    convention.followed = convention.grid_inside;

    if (convention.folder.empty()) {
        convention.message =
            "no folder named like 'iQTS inspection – MONTH YEAR' was found; the inspection framework asks the "
            "provider to create it in the shared space and put the compliance grid in it";
    } else if (grid.path.empty()) {
        convention.message = "the folder '" + convention.folder +
                             "' holds no compliance grid; put the grid (a Word table, worksheet or CSV file "
                             "listing evidence under each criterion C1.1 to C3.4) in it";
    } else if (!convention.grid_inside) {
        convention.message = "the compliance grid '" + grid.path + "' is not inside the folder '" +
                             convention.folder + "'; move it there";
    }
    return convention;
}

}  // namespace iqts::host
