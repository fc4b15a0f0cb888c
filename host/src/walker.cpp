// Virtual paths of the source walker, with '/' separators throughout:
//   folder /x/export                 export/Part 1/a.docx
//   archive export.zip               export.zip!/Part 1/a.docx
//   archive inside the export        export.zip!/Part 2/logs.zip!/itap.xlsx
//   gzip, xz or bzip2 of one file    export/notes.txt.gz!/notes.txt
//   split zips of one download       drive-download-20261130T101010Z!/Part 1/a.docx
// Split zips are files named PREFIX-NNN.zip (three digits, as Google Drive
// names the parts of one download) given together on the command line; each
// part is a complete zip, and their entries share the root "PREFIX!".
//
// Records: every archive, top-level or nested, gets one record of its own
// after its entries, with kind zip, tar or 7z (gzip, xz or bzip2 for a
// single compressed file), status `read`, `unreadable` with the libarchive
// error when reading stopped early, or `review` when a limit stopped it.
// Folders get no record unless they cannot be listed.

#include "iqts/host/walker.hpp"

#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "iqts/host/sniff.hpp"
#include "iqts/host/text_encoding.hpp"
#include "walker_detail.hpp"

namespace iqts::host {
namespace fs = std::filesystem;
using walker_detail::ArchiveOutcome;
using walker_detail::ArchiveSource;
using walker_detail::WalkContext;

namespace walker_detail {

void WalkContext::record(std::string path, std::string kind, FileStatus status, std::string reason, long long size,
                         std::string modified) const {
    if (!visitor.on_record) {
        return;
    }
    visitor.on_record(FileRecord{std::move(path), std::move(kind), status, std::move(reason), size,
                                 std::move(modified)});
}

bool WalkContext::fits_total(std::uint64_t more) const {
    return total_bytes + more <= limits.max_total_bytes;
}

void WalkContext::deliver(std::string path, std::string name, std::string bytes, std::string modified, int depth,
                          std::string identity) {
    total_bytes += bytes.size();
    const FileKind kind = sniff(bytes, name);
    if (!is_archive(kind)) {
        if (visitor.on_file) {
            EvidenceFile file;
            file.path = std::move(path);
            file.name = std::move(name);
            file.bytes = std::move(bytes);
            file.modified = std::move(modified);
            file.depth = depth;
            file.identity = std::move(identity);
            visitor.on_file(std::move(file));
        }
        return;
    }

    const auto size = static_cast<long long>(bytes.size());
    if (depth + 1 > limits.max_nesting_depth) {
        record(path, std::string(to_string(kind)), FileStatus::review, depth_limit_reason(limits, depth + 1), size,
               modified);
        return;
    }
    const ArchiveSource source{std::string(), bytes, bytes.size(), kind, name};
    const ArchiveOutcome outcome = walk_archive(*this, source, path + "!", depth + 1);
    record(path, outcome.kind, outcome.status, outcome.reason, size, modified);
}

void WalkContext::deliver_unread(EvidenceFile file, std::uint64_t size) {
    total_bytes += size;
    file.unread = true;
    file.disk_size = size;
    if (visitor.on_file) visitor.on_file(std::move(file));
}

}  // namespace walker_detail

namespace {

constexpr std::size_t kHeadBytes = 64 * 1024;
const char* const kExportHint = "give the folder or the zip downloaded from the shared space";

// Makes libarchive convert entry names to UTF-8 on this thread: it converts
// to the charset of the current locale, which is ASCII under the C locale.
class Utf8ThreadLocale {
public:
    Utf8ThreadLocale() : utf8_(newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr))) {
        if (utf8_ != static_cast<locale_t>(nullptr)) {
            previous_ = uselocale(utf8_);
        }
    }
    ~Utf8ThreadLocale() {
        if (utf8_ != static_cast<locale_t>(nullptr)) {
            uselocale(previous_);
            freelocale(utf8_);
        }
    }
    Utf8ThreadLocale(const Utf8ThreadLocale&) = delete;
    Utf8ThreadLocale& operator=(const Utf8ThreadLocale&) = delete;

private:
    locale_t utf8_;
    locale_t previous_ = static_cast<locale_t>(nullptr);
};

// A file descriptor opened read-only, without following a symbolic link and,
// when the file's owner runs the scan, without updating its access time.
class ReadOnlyFile {
public:
    explicit ReadOnlyFile(const fs::path& path) {
        const int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
        descriptor_ = ::open(path.c_str(), flags | O_NOATIME);
        if (descriptor_ < 0 && errno == EPERM) {
            descriptor_ = ::open(path.c_str(), flags);
        }
        error_ = descriptor_ < 0 ? errno : 0;
    }
    ~ReadOnlyFile() {
        if (descriptor_ >= 0) {
            ::close(descriptor_);
        }
    }
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    bool is_open() const { return descriptor_ >= 0; }
    std::string error() const { return std::strerror(error_); }

    // Reads at most `limit` bytes from the start. Returns false on a read error.
    bool read(std::size_t limit, std::string& bytes) {
        bytes.clear();
        char chunk[64 * 1024];
        while (bytes.size() < limit) {
            const ssize_t length = ::read(descriptor_, chunk, std::min(sizeof chunk, limit - bytes.size()));
            if (length < 0 && errno == EINTR) {
                continue;
            }
            if (length < 0) {
                error_ = errno;
                return false;
            }
            if (length == 0) {
                break;
            }
            bytes.append(chunk, static_cast<std::size_t>(length));
        }
        return true;
    }

    bool stat(struct stat& status) const { return ::fstat(descriptor_, &status) == 0; }

private:
    int descriptor_ = -1;
    int error_ = 0;
};

std::string display_name(const std::string& bytes) {
    return is_valid_utf8(bytes) ? bytes : repair_utf8(bytes);
}

void read_folder_file(WalkContext& context, const fs::path& path, const std::string& virtual_path,
                      const std::string& name) {
    ReadOnlyFile file(path);
    struct stat status {};
    if (!file.is_open() || !file.stat(status)) {
        context.record(virtual_path, "unknown", FileStatus::unreadable, "cannot be opened: " + file.error(), 0, "");
        return;
    }
    const std::string modified = walker_detail::format_utc(status.st_mtime);
    const auto size = static_cast<std::uint64_t>(status.st_size);
    if (!S_ISREG(status.st_mode)) {
        context.record(virtual_path, "unknown", FileStatus::skipped, "not a regular file", 0, modified);
        return;
    }
    if (size > context.limits.max_entry_bytes) {
        context.record(virtual_path, "unknown", FileStatus::review,
                       walker_detail::entry_limit_reason(context.limits), status.st_size, modified);
        return;
    }
    if (!context.fits_total(size)) {
        context.record(virtual_path, "unknown", FileStatus::review,
                       walker_detail::total_limit_reason(context.limits), status.st_size, modified);
        return;
    }

    std::string identity;
    if (context.visitor.is_known) {
        // The path joins the identity because a hard link under another
        // name (another extension) is the same inode but may be another kind.
        identity = file_identity(status, static_cast<long long>(std::time(nullptr)));
        if (!identity.empty()) identity += ":" + virtual_path;
        if (!identity.empty() && context.visitor.is_known(identity, true)) {
            EvidenceFile known;
            known.path = virtual_path;
            known.name = name;
            known.modified = modified;
            known.identity = identity;
            known.disk_path = path.string();
            context.deliver_unread(std::move(known), size);
            return;
        }
    }

    // A file that grew since fstat is cut at the limit rather than read on.
    std::string bytes;
    if (!file.read(context.limits.max_entry_bytes, bytes)) {
        context.record(virtual_path, "unknown", FileStatus::unreadable, "cannot be read: " + file.error(),
                       status.st_size, modified);
        return;
    }
    context.deliver(virtual_path, name, std::move(bytes), modified, 0, identity);
}

void walk_folder(WalkContext& context, const fs::path& folder, const std::string& virtual_folder) {
    std::error_code error;
    std::map<std::string, fs::directory_entry> children;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        children.emplace(it->path().filename().string(), *it);
    }
    if (error) {
        context.record(virtual_folder, "folder", FileStatus::unreadable,
                       "folder cannot be listed: " + error.message(), 0, "");
        return;
    }

    for (const auto& [file_name, child] : children) {
        const std::string name = display_name(file_name);
        const std::string virtual_path = virtual_folder + "/" + name;
        struct stat status {};
        if (::lstat(child.path().c_str(), &status) != 0) {
            context.record(virtual_path, "unknown", FileStatus::unreadable,
                           std::string("cannot be examined: ") + std::strerror(errno), 0, "");
            continue;
        }
        const std::string modified = walker_detail::format_utc(status.st_mtime);

        if (S_ISLNK(status.st_mode)) {
            context.record(virtual_path, "unknown", FileStatus::skipped, "symbolic link, not followed", 0, modified);
        } else if (S_ISDIR(status.st_mode)) {
            walk_folder(context, child.path(), virtual_path);
        } else if (!S_ISREG(status.st_mode)) {
            context.record(virtual_path, "unknown", FileStatus::skipped, "not a regular file", 0, modified);
        } else if (const std::string reason = skip_reason(virtual_path); !reason.empty()) {
            context.record(virtual_path, "unknown", FileStatus::skipped, reason, status.st_size, modified);
        } else {
            read_folder_file(context, child.path(), virtual_path, name);
        }
    }
}

// One thing to walk from the command line: a folder, an archive, or the
// parts of a split download.
struct Target {
    enum class Type { folder, archive, split } type = Type::folder;
    fs::path path;
    std::string root;                 // virtual root: the folder or archive name, or the split prefix
    FileKind kind = FileKind::zip;
    std::vector<fs::path> parts;      // split parts in number order
};

Target examine(const std::string& argument) {
    const fs::path path(argument);
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            throw std::runtime_error("export path not found: " + argument + "; " + kExportHint);
        }
        throw std::runtime_error("export path cannot be read: " + argument + ": " + std::strerror(errno) + "; " +
                                 kExportHint);
    }

    Target target;
    target.path = path;
    const fs::path absolute = fs::absolute(path).lexically_normal();
    std::string root = absolute.filename().string();
    if (root.empty()) {
        root = absolute.parent_path().filename().string();
    }
    target.root = display_name(root.empty() ? std::string("export") : root);

    if (S_ISDIR(status.st_mode)) {
        target.type = Target::Type::folder;
        return target;
    }
    if (!S_ISREG(status.st_mode)) {
        throw std::runtime_error(argument + " is not a folder or an archive; " + kExportHint);
    }

    ReadOnlyFile file(path);
    std::string head;
    if (!file.is_open() || !file.read(kHeadBytes, head)) {
        throw std::runtime_error("export path cannot be read: " + argument + ": " + file.error() + "; " +
                                 kExportHint);
    }
    target.kind = sniff(head, target.root);
    if (!is_archive(target.kind)) {
        throw std::runtime_error(argument + " is a " + std::string(to_string(target.kind)) +
                                 " file, not a folder or an archive (zip, tar, tar.gz, tar.xz, 7z); " + kExportHint);
    }
    target.type = Target::Type::archive;
    return target;
}

// Merges archives named PREFIX-NNN.zip that share a folder and a prefix
// into one split target each; a lone part stays an ordinary archive.
std::vector<Target> merge_split_zips(std::vector<Target> targets) {
    static const std::regex part_name(R"(^(.+)-([0-9]{3})\.zip$)", std::regex::icase);
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        std::smatch match;
        const std::string file_name = targets[i].path.filename().string();
        if (targets[i].type == Target::Type::archive && targets[i].kind == FileKind::zip &&
            std::regex_match(file_name, match, part_name)) {
            const std::string folder = fs::absolute(targets[i].path).lexically_normal().parent_path().string();
            groups[{folder, match[1].str()}].push_back(i);
        }
    }

    std::vector<bool> merged(targets.size(), false);
    std::map<std::size_t, Target> split_at;    // first part index -> split target
    for (auto& [key, members] : groups) {
        if (members.size() < 2) {
            continue;
        }
        Target split;
        split.type = Target::Type::split;
        split.root = display_name(key.second);
        for (const std::size_t index : members) {
            split.parts.push_back(targets[index].path);
            merged[index] = true;
        }
        std::sort(split.parts.begin(), split.parts.end(),
                  [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
        split_at.emplace(members.front(), std::move(split));
    }

    std::vector<Target> result;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (const auto split = split_at.find(i); split != split_at.end()) {
            result.push_back(std::move(split->second));
        } else if (!merged[i]) {
            result.push_back(std::move(targets[i]));
        }
    }
    return result;
}

// Walks one archive file of the command line under `entry_root` and records
// it. Throws when not one entry could be read, because then the export as
// given cannot be scanned at all.
void walk_archive_file(WalkContext& context, const fs::path& path, FileKind kind, const std::string& entry_root,
                       bool throw_when_unreadable) {
    struct stat status {};
    ::stat(path.c_str(), &status);
    const std::string name = display_name(path.filename().string());
    const ArchiveSource source{path.string(), std::string_view(), static_cast<std::uint64_t>(status.st_size), kind,
                               name};
    const ArchiveOutcome outcome = walker_detail::walk_archive(context, source, entry_root, 1);
    if (throw_when_unreadable && outcome.entries == 0 && outcome.status == FileStatus::unreadable) {
        throw std::runtime_error(path.string() + " cannot be read as an archive: " + outcome.reason + "; " +
                                 kExportHint);
    }
    context.record(name, outcome.kind, outcome.status, outcome.reason, status.st_size,
                   walker_detail::format_utc(status.st_mtime));
}

}  // namespace

void walk(const std::vector<std::string>& paths, const WalkLimits& limits, const WalkVisitor& visitor) {
    const Utf8ThreadLocale utf8_names;

    // Every path is checked before the first is walked, so a typo in the
    // last one fails fast.
    std::vector<Target> targets;
    for (const std::string& path : paths) {
        targets.push_back(examine(path));
    }
    targets = merge_split_zips(std::move(targets));

    WalkContext context{limits, visitor};
    for (const Target& target : targets) {
        switch (target.type) {
            case Target::Type::folder:
                walk_folder(context, target.path, target.root);
                break;
            case Target::Type::archive:
                walk_archive_file(context, target.path, target.kind, target.root + "!", true);
                break;
            case Target::Type::split:
                for (const fs::path& part : target.parts) {
                    walk_archive_file(context, part, FileKind::zip, target.root + "!", false);
                }
                break;
        }
    }
}

std::string file_identity(const struct stat& status, long long now_seconds, long long settle_seconds) {
    // The kernel sets the change time on every write and no call can set it
    // back, unlike the modification time, which an archiver or a sync tool
    // may have set to any date.
    if (now_seconds - status.st_ctim.tv_sec < settle_seconds) return "";
    const auto nanoseconds = [](const timespec& time) {
        return std::to_string(time.tv_sec) + "." + std::to_string(time.tv_nsec);
    };
    return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino) + ":" + std::to_string(status.st_size) +
           ":" + nanoseconds(status.st_mtim) + ":" + nanoseconds(status.st_ctim);
}

bool read_disk_file(const std::string& path, std::uint64_t limit, std::string& bytes, std::string& error) {
    ReadOnlyFile file(path);
    if (!file.is_open() || !file.read(limit, bytes)) {
        error = file.error();
        return false;
    }
    return true;
}

}  // namespace iqts::host
