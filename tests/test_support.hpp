#pragma once

// Helpers shared by the test files: temporary folders, shell commands, and a
// fingerprint of a folder tree to prove that a scan changed nothing.

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

namespace iqts::test {

// A fresh folder under the system temporary folder, removed with its
// contents when the object goes out of scope.
class TempDir {
public:
    TempDir() {
        std::random_device seed;
        std::mt19937_64 random(seed());
        for (int attempt = 0; attempt < 100; ++attempt) {
            path_ = std::filesystem::temp_directory_path() / ("iqts-test-" + std::to_string(random()));
            if (std::filesystem::create_directory(path_)) {
                return;
            }
        }
        throw std::runtime_error("cannot create a temporary folder under " +
                                 std::filesystem::temp_directory_path().string());
    }
    ~TempDir() {
        if (!path_.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(path_, ignored);
        }
    }
    TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir& operator=(TempDir&&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& relative) const { return path_ / relative; }

private:
    std::filesystem::path path_;
};

inline TempDir make_temp_dir() {
    return TempDir();
}

// Runs `command` with /bin/sh and returns its exit status, or -1 when it
// did not exit normally.
inline int run_command(const std::string& command) {
    const int status = std::system(command.c_str());
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Quotes `text` for /bin/sh.
inline std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Writes `bytes` to `path`, creating the parent folders.
inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// Maps each path under `folder` (relative, symbolic links included and not
// followed) to its SHA-1 digest or link target, its size and its
// modification time in nanoseconds.
inline std::map<std::string, std::string> tree_fingerprint(const std::filesystem::path& folder) {
    std::map<std::string, std::string> fingerprint;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
        struct stat status {};
        if (::lstat(entry.path().c_str(), &status) != 0) {
            throw std::runtime_error("cannot examine " + entry.path().string());
        }
        std::string content;
        if (S_ISLNK(status.st_mode)) {
            content = "link to " + std::filesystem::read_symlink(entry.path()).string();
        } else if (S_ISREG(status.st_mode)) {
            Poco::SHA1Engine sha1;
            sha1.update(read_file(entry.path()));
            content = Poco::DigestEngine::digestToHex(sha1.digest());
        } else {
            content = "folder";
        }
        const long long mtime_ns = static_cast<long long>(status.st_mtim.tv_sec) * 1000000000LL +
                                   status.st_mtim.tv_nsec;
        fingerprint[std::filesystem::relative(entry.path(), folder).string()] =
            content + " size " + std::to_string(status.st_size) + " mtime " + std::to_string(mtime_ns);
    }
    return fingerprint;
}

}  // namespace iqts::test
