#include "iqts/host/redact.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>
#include <re2/re2.h>

namespace iqts::host {
namespace {

namespace fs = std::filesystem;

// Poco 1.11's HMACEngine needs BLOCK_SIZE and DIGEST_SIZE on the digest
// engine, which SHA2Engine does not declare. SHA-256 has 64-byte blocks and
// a 32-byte digest (FIPS 180-4).
class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

bool is_separator(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '_' || c == '-' || c == '.' || c == ',';
}

std::vector<std::string> split_words(std::string_view name) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : name) {
        if (is_separator(c)) {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

// Letters written with or without their accents: a name typed as "Siobhán"
// in a register is often "Siobhan" in a file name, and the other way round.
const std::vector<std::pair<char, std::string_view>>& accent_groups() {
    static const std::vector<std::pair<char, std::string_view>> groups{
        {'a', "aáàâäãåā"}, {'c', "cçčć"}, {'e', "eéèêëēę"}, {'g', "gğ"}, {'i', "iíìîïīı"}, {'l', "lł"},
        {'n', "nñńň"},     {'o', "oóòôöõøō"}, {'s', "sšśş"}, {'u', "uúùûüū"}, {'y', "yýÿ"}, {'z', "zžźż"},
    };
    return groups;
}

// Returns the UTF-8 characters of `text`, one string each.
std::vector<std::string> utf8_characters(std::string_view text) {
    std::vector<std::string> characters;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = 1;
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead >= 0xF0) length = 4;
        else if (lead >= 0xE0) length = 3;
        else if (lead >= 0xC0) length = 2;
        characters.emplace_back(text.substr(i, std::min(length, text.size() - i)));
        i += length;
    }
    return characters;
}

// Returns an RE2 pattern for one word of a name that also matches the word
// with accents added or dropped and with any apostrophe or none ("O'Neill",
// "O’Neill", "ONeill").
std::string word_pattern(const std::string& word) {
    std::string pattern;
    for (const auto& character : utf8_characters(word)) {
        if (character == "'" || character == "\xE2\x80\x99" || character == "\xE2\x80\x98" ||
            character == "\xCA\xBC" || character == "`") {
            pattern += "(?:'|\xE2\x80\x99|\xE2\x80\x98|\xCA\xBC|`)?";
            continue;
        }
        std::string lower = character;
        if (lower.size() == 1) lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
        const auto group = std::find_if(accent_groups().begin(), accent_groups().end(), [&](const auto& entry) {
            for (const auto& variant : utf8_characters(entry.second)) {
                if (variant == lower) return true;
            }
            return false;
        });
        if (group == accent_groups().end()) {
            pattern += RE2::QuoteMeta(character);
            continue;
        }
        std::string alternatives;
        for (const auto& variant : utf8_characters(group->second)) alternatives += (alternatives.empty() ? "" : "|") + variant;
        pattern += "(?:" + alternatives + ")";
    }
    return pattern;
}

std::string join_pattern(const std::vector<std::string>& words) {
    std::string pattern;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) pattern += "[\\s_.,\\-]+";
        pattern += word_pattern(words[i]);
    }
    return pattern;
}

void add_name(std::set<std::string>& seen, std::vector<std::string>& names, const std::string& name) {
    const auto normalised = normalise_person_name(name);
    if (normalised.empty()) return;
    if (seen.insert(normalised).second) names.push_back(name);
}

std::string text_of(const Fact& fact) { return fact.value.text; }

fs::path key_file_in_config_folder() {
    const char* config = std::getenv("XDG_CONFIG_HOME");
    if (config && *config) return fs::path(config) / "iqts-scan" / "redact.key";
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
        throw std::runtime_error("cannot find the configuration folder for the redaction key: neither "
                                 "XDG_CONFIG_HOME nor HOME is set; give --redact-key FILE");
    }
    return fs::path(home) / ".config" / "iqts-scan" / "redact.key";
}

std::string read_key(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error(path.string() + ": cannot read the redaction key: " + std::strerror(errno));
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    auto key = contents.str();
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (key.empty()) {
        throw std::runtime_error(path.string() + ": the redaction key file is empty; write a secret of at "
                                 "least 16 characters into it or delete it to have one generated");
    }
    return key;
}

std::string random_hex_key() {
    unsigned char bytes[32];
    std::size_t filled = 0;
    while (filled < sizeof bytes) {
        const auto got = getrandom(bytes + filled, sizeof bytes - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("cannot generate a redaction key: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(got);
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (const unsigned char byte : bytes) {
        hex.push_back(digits[byte >> 4]);
        hex.push_back(digits[byte & 0x0f]);
    }
    return hex;
}

// Creates the key file with O_EXCL, so two scans started together cannot
// both write one; the loser reads the winner's key.
std::string create_or_read_key(const fs::path& path) {
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) {
        throw std::runtime_error(path.parent_path().string() + ": cannot create the folder for the redaction key: " +
                                 error.message());
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return read_key(path);
        throw std::runtime_error(path.string() + ": cannot create the redaction key: " + std::strerror(errno));
    }
    const auto key = random_hex_key();
    const auto line = key + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    const bool closed = ::close(fd) == 0;
    if (!written || !closed) {
        ::unlink(path.c_str());
        throw std::runtime_error(path.string() + ": cannot write the redaction key");
    }
    return key;
}

}  // namespace

std::vector<std::string> cohort_names(const Cohort& cohort) {
    std::set<std::string> seen;
    std::vector<std::string> names;
    for (const auto* people : {&cohort.trainees, &cohort.mentors}) {
        for (const auto& person : *people) {
            add_name(seen, names, person.name);
            for (const auto* field : {"trainee_name", "name", "mentor_name"}) {
                const auto found = person.fields.find(field);
                if (found == person.fields.end()) continue;
                for (const auto& fact : found->second) add_name(seen, names, text_of(fact));
            }
            const auto* first = person.first("first_name");
            const auto* last = person.first("last_name");
            if (first && last) add_name(seen, names, text_of(*first) + " " + text_of(*last));
        }
    }
    return names;
}

std::string normalise_person_name(std::string_view name) {
    std::string normalised;
    for (const auto& word : split_words(name)) {
        if (!normalised.empty()) normalised.push_back(' ');
        for (const char c : word) normalised.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return normalised;
}

std::string pseudonym(std::string_view name, const std::string& key) {
    Poco::HMACEngine<Sha256Engine> hmac(key);
    hmac.update(normalise_person_name(name));
    const auto hex = Poco::DigestEngine::digestToHex(hmac.digest());
    return "Person-" + hex.substr(0, 8);
}

Redactor::Redactor(const std::vector<std::string>& names, const std::string& key) {
    // Longer names go first, so that "Aisha Al Mansoori" is replaced whole
    // before a shorter name inside it could match.
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    for (const auto& name : sorted) {
        auto words = split_words(name);
        if (words.empty()) continue;
        std::string alternatives = join_pattern(words);
        if (words.size() > 1) {
            std::vector<std::string> reversed{words.back()};
            reversed.insert(reversed.end(), words.begin(), words.end() - 1);
            alternatives += "|" + join_pattern(reversed);
        }
        auto regex = std::make_unique<RE2>("(^|[^\\pL\\pN])(?:" + alternatives + ")($|[^\\pL\\pN])", options);
        if (!regex->ok()) continue;
        patterns_.push_back(Pattern{std::move(regex), "\\1" + pseudonym(name, key) + "\\2"});
    }
}

Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

std::string Redactor::apply(std::string_view text) const {
    std::string result(text);
    for (const auto& pattern : patterns_) {
        // A match takes the character after the name, so a second pass
        // catches a name that directly follows another ("A,B").
        for (int pass = 0; pass < 2; ++pass) {
            if (RE2::GlobalReplace(&result, *pattern.regex, pattern.replacement) == 0) break;
        }
    }
    return result;
}

void redact(Report& report, const std::vector<std::string>& names, const std::string& key) {
    const Redactor redactor(names, key);
    const auto clean = [&](std::string& text) { text = redactor.apply(text); };
    const auto clean_all = [&](std::vector<std::string>& texts) {
        for (auto& text : texts) clean(text);
    };

    clean_all(report.export_paths);
    for (auto& result : report.criteria) {
        for (auto& finding : result.findings) {
            clean(finding.subject);
            clean(finding.message);
            for (auto& evidence : finding.evidence) {
                clean(evidence.path);
                clean(evidence.location);
            }
        }
    }
    for (auto& item : report.evidence) clean_all(item.paths);
    clean(report.grid.path);
    clean(report.grid.folder);
    clean(report.grid.folder_message);
    for (auto& row : report.grid.rows) {
        clean(row.title);
        clean(row.link);
        clean(row.resolved_path);
        clean_all(row.candidates);
        clean(row.location);
        clean(row.reason);
    }
    for (auto& late : report.deadline.late_files) clean(late.path);
    for (auto& file : report.files) {
        clean(file.path);
        clean(file.reason);
    }
    for (auto& found : report.registers) {
        clean(found.path);
        clean(found.table);
        for (auto& [field, header] : found.columns) clean(header);
    }
    for (auto& problem : report.register_problems) {
        clean(problem.message);
        for (auto& evidence : problem.evidence) {
            clean(evidence.path);
            clean(evidence.location);
        }
    }
}

std::string load_redaction_key(const std::string& path) {
    if (!path.empty()) return read_key(path);
    return create_or_read_key(key_file_in_config_folder());
}

RedactingLogger::RedactingLogger(Logger& inner, std::string key) : inner_(inner), key_(std::move(key)) {}

RedactingLogger::~RedactingLogger() {
    // NOTE: when the scan stops before the cohort is built, no names are
    // known and the held-back messages go out as they are.
    for (const auto& [level, message] : held_) inner_.log(level, message);
}

void RedactingLogger::log(LogLevel level, const std::string& message) {
    if (!redactor_) {
        held_.emplace_back(level, message);
        return;
    }
    inner_.log(level, redactor_->apply(message));
}

void RedactingLogger::set_names(std::vector<std::string> names) {
    names_ = std::move(names);
    redactor_ = std::make_unique<Redactor>(names_, key_);
    for (const auto& [level, message] : held_) inner_.log(level, redactor_->apply(message));
    held_.clear();
}

}  // namespace iqts::host
