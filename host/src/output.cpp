#include "iqts/host/output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

namespace iqts::host {

void write_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const auto folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
        throw std::runtime_error("cannot write " + path + ": folder " + folder.string() + " does not exist");
    }

    const auto temporary = folder / ("." + target.filename().string() + ".tmp-" + std::to_string(getpid()));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
        write(out);
        out.flush();
        if (!out) {
            fs::remove(temporary, error);
            throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        }
    }
    if (std::rename(temporary.c_str(), target.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        fs::remove(temporary, error);
        throw std::runtime_error("cannot write " + path + ": " + reason);
    }
}

}  // namespace iqts::host
