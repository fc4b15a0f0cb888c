#include "iqts/host/plugins.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include <boost/dll/runtime_symbol_info.hpp>

#include "iqts/abi.hpp"

namespace iqts::host {
namespace {

namespace fs = std::filesystem;

constexpr const char* abi_record_symbol = "iqts_abi_record";
constexpr const char* factory_symbol = "iqts_register_checks";

// The factory a plugin exports through IQTS_PLUGIN.
using RegisterChecks = void(CheckRegistry&);

class VectorRegistry : public CheckRegistry {
public:
    void add(std::unique_ptr<Check> check) override {
        if (check) checks.push_back(std::move(check));
    }

    std::vector<std::unique_ptr<Check>> checks;
};

std::string text_or(const char* text, std::string_view fallback) {
    return text ? std::string(text) : std::string(fallback);
}

std::string rebuild_advice() {
    return "rebuild the plugin against this SDK (find_package(iqts-sdk)) and reinstall it";
}

// Returns why the ABI record rules the library out, or an empty string when
// the host may call the library's factory. Reads only the fields that every
// ABI version keeps in place (magic, version, SDK version, compiler) before
// the version is known to match.
std::string check_abi_record(const std::string& path, const IqtsAbiRecord& record) {
    if (record.magic != IQTS_ABI_MAGIC) {
        char found[16];
        std::snprintf(found, sizeof found, "0x%08x", static_cast<unsigned>(record.magic));
        return "invalid ABI record: magic is " + std::string(found) +
               ", expected 0x53545149 (\"IQTS\"); the library is not an iqts-scan plugin or its "
               "record is damaged; " + rebuild_advice();
    }

    const auto plugin_sdk = text_or(record.sdk_version, "unknown");
    if (record.abi_version != IQTS_ABI_VERSION) {
        return path + ": built for iqts-sdk ABI " + std::to_string(record.abi_version) + " (SDK " +
               plugin_sdk + "), this iqts-scan uses ABI " + std::to_string(IQTS_ABI_VERSION) +
               " (SDK " IQTS_SDK_VERSION "); " + rebuild_advice();
    }

    const auto plugin_compiler = text_or(record.compiler, "unknown");
    if (plugin_compiler != IQTS_COMPILER_ID) {
        return path + ": built with compiler " + plugin_compiler + " (SDK " + plugin_sdk +
               "), this iqts-scan was built with " IQTS_COMPILER_ID " (SDK " IQTS_SDK_VERSION
               "); the C++ library types that cross the plugin boundary differ between them; " +
               rebuild_advice() + " with the same compiler";
    }
    return {};
}

// Returns the *.so files of `folder` in name order.
std::vector<fs::path> shared_libraries_in(const fs::path& folder, std::error_code& error) {
    std::vector<fs::path> libraries;
    for (fs::directory_iterator entry(folder, error), end; !error && entry != end; entry.increment(error)) {
        if (entry->path().extension() == ".so" && !entry->is_directory()) {
            libraries.push_back(entry->path());
        }
    }
    std::sort(libraries.begin(), libraries.end());
    return libraries;
}

class PluginLoader {
public:
    explicit PluginLoader(Logger& log) : log_(log) {}

    void load_folder(const std::string& folder) {
        std::error_code error;
        if (!fs::is_directory(folder, error)) {
            reject(folder, "plugin folder not found: " + folder);
            return;
        }

        const auto libraries = shared_libraries_in(folder, error);
        if (error) {
            reject(folder, "cannot list plugin folder " + folder + ": " + error.message());
            return;
        }
        log_.log(LogLevel::debug, "looking for plugins in " + folder + ": " +
                                      std::to_string(libraries.size()) + " shared libraries");
        for (const auto& library : libraries) load_library(library.string());
    }

    PluginSet take() { return std::move(set_); }

private:
    void load_library(const std::string& path) {
        LoadedPlugin plugin;
        plugin.path = path;

        std::error_code error;
        dlerror();
        plugin.library.load(path, error,
                            boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_lazy);
        if (error) {
            const char* reason = dlerror();
            reject(path, "cannot load the library: " + (reason ? std::string(reason) : error.message()));
            return;
        }

        if (!plugin.library.has(abi_record_symbol)) {
            reject(path, "no ABI record (iqts_abi_record): not an iqts-scan plugin, or built without IQTS_PLUGIN");
            return;
        }
        const auto& record = plugin.library.get<const IqtsAbiRecord>(abi_record_symbol);
        if (auto reason = check_abi_record(path, record); !reason.empty()) {
            reject(path, reason);
            return;
        }
        plugin.name = text_or(record.plugin_name, fs::path(path).stem().string());
        plugin.version = text_or(record.plugin_version, "");

        if (!plugin.library.has(factory_symbol)) {
            reject(path, "no factory (iqts_register_checks): the library has an ABI record but no "
                         "checks; write the factory body after IQTS_PLUGIN(name, version)",
                   plugin.name, plugin.version);
            return;
        }
        const auto same_name = std::find_if(set_.loaded.begin(), set_.loaded.end(),
                                            [&](const LoadedPlugin& other) { return other.name == plugin.name; });
        if (same_name != set_.loaded.end()) {
            reject(path, "a plugin named '" + plugin.name + "' is already loaded from " + same_name->path +
                             "; remove one copy so its checks run once",
                   plugin.name, plugin.version);
            return;
        }
        if (auto reason = register_checks(plugin); !reason.empty()) {
            reject(path, reason, plugin.name, plugin.version);
            return;
        }
        accept(std::move(plugin));
    }

    // Calls the plugin's factory and returns why it failed, or an empty
    // string. The checks it made before failing are destroyed here, while
    // their code is still loaded.
    static std::string register_checks(LoadedPlugin& plugin) {
        auto& factory = plugin.library.get<RegisterChecks>(factory_symbol);
        VectorRegistry registry;
        try {
            factory(registry);
        } catch (const std::exception& exception) {
            return std::string("the factory (iqts_register_checks) threw: ") + exception.what();
        } catch (...) {
            return "the factory (iqts_register_checks) threw an exception that is not a std::exception";
        }
        plugin.checks = std::move(registry.checks);
        return {};
    }

    void accept(LoadedPlugin plugin) {
        PluginRecord record;
        record.path = plugin.path;
        record.name = plugin.name;
        record.version = plugin.version;
        record.status = "loaded";
        for (const auto& check : plugin.checks) record.criteria.push_back(check->criterion());

        log_.log(LogLevel::info, "loaded plugin " + plugin.name + " " + plugin.version + " from " +
                                     plugin.path + ": " + std::to_string(plugin.checks.size()) +
                                     (plugin.checks.size() == 1 ? " check" : " checks"));
        set_.records.push_back(std::move(record));
        set_.loaded.push_back(std::move(plugin));
    }

    void reject(const std::string& path, const std::string& reason, const std::string& name = {},
                const std::string& version = {}) {
        PluginRecord record;
        record.path = path;
        record.name = name;
        record.version = version;
        record.status = "rejected";
        record.reason = reason;

        // A reason that already starts with the path is not prefixed twice.
        const bool names_path = reason.rfind(path + ":", 0) == 0;
        log_.log(LogLevel::warning, "plugin rejected: " + (names_path ? reason : path + ": " + reason));
        set_.records.push_back(std::move(record));
    }

    Logger& log_;
    PluginSet set_;
};

}  // namespace

PluginSet load_plugins(const std::vector<std::string>& folders, Logger& log) {
    PluginLoader loader(log);
    for (const auto& folder : folders) loader.load_folder(folder);
    return loader.take();
}

std::string builtin_plugin_folder() {
    // The build tree keeps executables in bin/ and plugins in
    // lib/iqts-scan/plugins; the install tree keeps plugins in the install's
    // library folder, which may be lib/x86_64-linux-gnu under /usr.
    std::error_code error;
    const fs::path executable = boost::dll::program_location(error);
    if (error) return {};
    const fs::path prefix = executable.parent_path() / "..";
    const fs::path installed = (prefix / IQTS_PLUGIN_INSTALL_SUBDIR).lexically_normal();
    if (fs::is_directory(installed, error)) return installed.string();
    return (prefix / "lib" / "iqts-scan" / "plugins").lexically_normal().string();
}

}  // namespace iqts::host
