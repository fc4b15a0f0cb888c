#include "iqts/host/extract_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>

#include "iqts/host/document_codec.hpp"

namespace iqts::host {
namespace {

namespace fs = std::filesystem;

// Entry layout: magic "IQXCACHE", u32 entry format version (little-endian),
// the 64 hex digits of the key, then one encode_extraction record.
constexpr char entry_magic[8] = {'I', 'Q', 'X', 'C', 'A', 'C', 'H', 'E'};
constexpr unsigned entry_format_version = 1;
constexpr std::size_t key_length = 64;
constexpr std::size_t entry_header_bytes = sizeof entry_magic + 4 + key_length;
constexpr const char* entry_suffix = ".entry";
constexpr const char* temporary_prefix = ".tmp-";
constexpr const char* identities_name = "identities";

// A temporary file older than this was left by an interrupted scan.
constexpr auto stale_temporary_age = std::chrono::hours(1);

bool is_absolute(const char* path) { return path && path[0] == '/'; }

bool is_entry_name(const std::string& name) {
    const std::string suffix = entry_suffix;
    if (name.size() != key_length + suffix.size() || name.compare(key_length, suffix.size(), suffix) != 0) {
        return false;
    }
    return std::all_of(name.begin(), name.begin() + key_length,
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_key(const std::string& key) { return is_entry_name(key + entry_suffix); }

std::string entry_header(const std::string& key) {
    std::string header(entry_magic, sizeof entry_magic);
    for (int i = 0; i < 4; ++i) header += static_cast<char>((entry_format_version >> (8 * i)) & 0xff);
    return header + key;
}

// Reads a whole file without following a symbolic link. Returns false when
// it does not exist or cannot be read.
bool read_entry(const std::string& path, std::string& content) {
    // O_NONBLOCK keeps a FIFO put in the folder from blocking the open. It
    // changes nothing for a regular file.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return false;
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        return false;
    }
    content.resize(static_cast<std::size_t>(status.st_size));
    std::size_t done = 0;
    while (done < content.size()) {
        const auto got = ::read(fd, content.data() + done, content.size() - done);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        done += static_cast<std::size_t>(got);
    }
    ::close(fd);
    content.resize(done);
    return true;
}

// Returns the kind that to_string names `name`, or nothing when no kind
// has that name.
std::optional<FileKind> kind_named(std::string_view name) {
    for (int value = 0; value <= static_cast<int>(FileKind::unknown); ++value) {
        const auto kind = static_cast<FileKind>(value);
        if (to_string(kind) == name) return kind;
    }
    return std::nullopt;
}

// Returns the lowercase extension of a file name, without the dot.
std::string extension_of(std::string_view name) {
    const auto slash = name.find_last_of('/');
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    const auto dot = name.find_last_of('.');
    std::string extension(dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1));
    for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return extension;
}

bool write_whole(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto written = ::write(fd, data.data(), data.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

}  // namespace

std::string default_cache_folder() {
    const char* cache_home = std::getenv("XDG_CACHE_HOME");
    if (is_absolute(cache_home)) return (fs::path(cache_home) / "iqts-scan").string();
    const char* home = std::getenv("HOME");
    if (is_absolute(home)) return (fs::path(home) / ".cache" / "iqts-scan").string();
    return "";
}

ExtractCache::ExtractCache(std::string folder, std::uint64_t max_bytes)
    : folder_(std::move(folder)), max_bytes_(max_bytes) {
    const fs::path path(folder_);
    std::error_code error;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), error);
    if (::mkdir(folder_.c_str(), 0700) != 0 && errno != EEXIST) {
        throw std::runtime_error("cannot create the extraction cache folder " + folder_ + ": " +
                                 std::strerror(errno) + "; give another with --cache-dir or use --no-cache");
    }
    if (!fs::is_directory(path, error)) {
        throw std::runtime_error("the extraction cache folder " + folder_ +
                                 " is not a folder; give another with --cache-dir or use --no-cache");
    }
    read_identities();
}

// The identities file contains one line per file: the identity, a tab and the
// key. A line of another shape is ignored, so a damaged file costs only a
// slower scan.
void ExtractCache::read_identities() {
    std::string content;
    if (!read_entry((fs::path(folder_) / identities_name).string(), content)) return;
    std::size_t start = 0;
    while (start < content.size()) {
        auto end = content.find('\n', start);
        if (end == std::string::npos) end = content.size();
        const std::string_view line(content.data() + start, end - start);
        const auto tab = line.find('\t');
        if (tab != std::string_view::npos && tab > 0) {
            std::string key(line.substr(tab + 1));
            if (is_key(key)) identities_.emplace(std::string(line.substr(0, tab)), std::move(key));
        }
        start = end + 1;
    }
}

std::optional<std::string> ExtractCache::known_key(const std::string& identity) const {
    const std::lock_guard lock(identities_mutex_);
    const auto found = identities_.find(identity);
    if (found == identities_.end()) return std::nullopt;
    return found->second;
}

void ExtractCache::remember(const std::string& identity, const std::string& key) {
    if (identity.empty() || identity.find_first_of("\t\n") != std::string::npos || !is_key(key)) return;
    const std::lock_guard lock(identities_mutex_);
    auto& known = identities_[identity];
    if (known == key) return;
    known = key;
    identities_changed_ = true;
}

// Writes the identities whose entries still exist, through a temporary file
// renamed into place. A failure only slows the next scan down.
void ExtractCache::write_identities() {
    std::string content;
    {
        const std::lock_guard lock(identities_mutex_);
        bool removed = false;
        for (auto it = identities_.begin(); it != identities_.end();) {
            struct stat status {};
            if (::stat(entry_path(it->second).c_str(), &status) != 0) {
                it = identities_.erase(it);
                removed = true;
                continue;
            }
            content += it->first + "\t" + it->second + "\n";
            ++it;
        }
        if (!identities_changed_ && !removed) return;
        identities_changed_ = false;
    }
    const auto target = (fs::path(folder_) / identities_name).string();
    const auto temporary = (fs::path(folder_) / (temporary_prefix + std::string(identities_name) + "-" +
                                                 std::to_string(::getpid()) + "-" +
                                                 std::to_string(temporary_counter_++)))
                               .string();
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return;
    const bool written = write_whole(fd, content);
    if (::close(fd) != 0 || !written || std::rename(temporary.c_str(), target.c_str()) != 0) {
        ::unlink(temporary.c_str());
    }
}

std::string ExtractCache::key(std::string_view bytes, std::string_view name, const ExtractLimits& limits) {
    const std::string preamble = std::string("iqts-scan ") + IQTS_VERSION + "\nextractor " +
                                std::to_string(extractor_version) + "\nextension " + extension_of(name) +
                                "\nmax_text_bytes " + std::to_string(limits.max_text_bytes) + "\nmax_xml_depth " +
                                std::to_string(limits.max_xml_depth) + "\nmax_cells " +
                                std::to_string(limits.max_cells) + "\n\n";
    // OpenSSL's SHA-256 uses the processor's SHA instructions, and it hashed
    // about five times as fast as Poco::SHA2Engine here. A scan that fills
    // the cache hashes every byte of the export. Poco::Crypto::DigestEngine
    // is not used because it counts OpenSSL initialisations without a lock,
    // and it crashed when two threads hashed at once.
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> hash(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!hash || EVP_DigestInit_ex(hash.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(hash.get(), preamble.data(), preamble.size()) != 1 ||
        EVP_DigestUpdate(hash.get(), bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(hash.get(), digest, &length) != 1) {
        throw std::runtime_error("OpenSSL could not compute a SHA-256 digest for the extraction cache");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string key;
    key.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        key += hex[digest[i] >> 4];
        key += hex[digest[i] & 0x0f];
    }
    return key;
}

std::string ExtractCache::identity_scope(const ExtractLimits& limits) {
    return key("", "", limits).substr(0, 16);
}

std::string ExtractCache::entry_path(const std::string& key) const {
    return (fs::path(folder_) / (key + entry_suffix)).string();
}

std::optional<CachedExtraction> ExtractCache::load(const std::string& key) {
    std::string content;
    if (!is_key(key) || !read_entry(entry_path(key), content)) {
        ++misses_;
        return std::nullopt;
    }

    const auto header = entry_header(key);
    if (content.size() < entry_header_bytes || content.compare(0, header.size(), header) != 0) {
        ++invalid_;
        ++misses_;
        return std::nullopt;
    }
    CachedExtraction cached;
    try {
        cached.extraction = decode_extraction(std::string_view(content).substr(entry_header_bytes));
    } catch (const DocumentCodecError&) {
        ++invalid_;
        ++misses_;
        return std::nullopt;
    }
    // The record's checksum covers the kind, which store() writes as the
    // document's kind.
    const auto kind = kind_named(cached.extraction.document.kind);
    if (!kind) {
        ++invalid_;
        ++misses_;
        return std::nullopt;
    }
    cached.kind = *kind;

    // The modification time records the last use, which trim() goes by.
    ::utimensat(AT_FDCWD, entry_path(key).c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
    ++hits_;
    return cached;
}

void ExtractCache::store(const std::string& key, FileKind kind, const Extraction& extraction) {
    if (!is_key(key)) return;
    const auto failed = [this](const std::string& message) {
        ++write_failures_;
        const std::lock_guard lock(error_mutex_);
        if (first_write_error_.empty()) first_write_error_ = message;
    };

    std::string encoded;
    try {
        Extraction stored = extraction;
        stored.document.path.clear();
        stored.document.kind = std::string(to_string(kind));
        encoded = entry_header(key) + encode_extraction(stored);
    } catch (const std::exception& error) {
        failed(std::string("cannot encode a cache entry: ") + error.what());
        return;
    }

    const auto target = entry_path(key);
    const auto temporary = (fs::path(folder_) / (temporary_prefix + key + "-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(temporary_counter_++)))
                               .string();
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        failed("cannot write " + temporary + ": " + std::strerror(errno));
        return;
    }
    const bool written = write_whole(fd, encoded);
    const int write_error = errno;
    if (::close(fd) != 0 || !written) {
        ::unlink(temporary.c_str());
        failed("cannot write " + temporary + ": " + std::strerror(written ? errno : write_error));
        return;
    }
    if (std::rename(temporary.c_str(), target.c_str()) != 0) {
        const int rename_error = errno;
        ::unlink(temporary.c_str());
        failed("cannot rename " + temporary + " to " + target + ": " + std::strerror(rename_error));
        return;
    }
    ++stored_;
}

void ExtractCache::trim() {
    struct Entry {
        fs::file_time_type used;
        std::uint64_t size;
        fs::path path;
    };
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    const auto now = fs::file_time_type::clock::now();

    std::error_code error;
    for (fs::directory_iterator it(folder_, error), end; !error && it != end; it.increment(error)) {
        const auto name = it->path().filename().string();
        std::error_code entry_error;
        if (!it->is_regular_file(entry_error)) continue;
        const auto used = it->last_write_time(entry_error);
        if (entry_error) continue;
        if (name.rfind(temporary_prefix, 0) == 0) {
            if (now - used > stale_temporary_age) fs::remove(it->path(), entry_error);
            continue;
        }
        if (!is_entry_name(name)) continue;
        const auto size = it->file_size(entry_error);
        if (entry_error) continue;
        entries.push_back({used, size, it->path()});
        total += size;
    }
    if (total <= max_bytes_) {
        write_identities();
        return;
    }

    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
    for (const auto& entry : entries) {
        if (total <= max_bytes_) break;
        std::error_code remove_error;
        if (fs::remove(entry.path, remove_error)) {
            total -= entry.size;
            ++removed_;
        }
    }
    write_identities();
}

ExtractCache::Counts ExtractCache::counts() const {
    return Counts{hits_.load(), misses_.load(), invalid_.load(), stored_.load(), write_failures_.load(),
                  removed_.load()};
}

std::string ExtractCache::first_write_error() const {
    const std::lock_guard lock(error_mutex_);
    return first_write_error_;
}

}  // namespace iqts::host
