#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iqts/cohort.hpp"
#include "iqts/host/report.hpp"
#include "iqts/log.hpp"

namespace re2 {
class RE2;
}

namespace iqts::host {

// Returns every person's name the cohort holds: trainees, mentors, and the
// name fields of every register row (trainee_name, name, mentor_name, and
// first_name with last_name), each once.
std::vector<std::string> cohort_names(const Cohort& cohort);

// Returns the name in lower case with every run of spaces, underscores,
// hyphens, full stops and commas turned into one space, trimmed.
std::string normalise_person_name(std::string_view name);

// Returns "Person-" and the first 8 hex digits of
// HMAC-SHA256(key, normalise_person_name(name)).
std::string pseudonym(std::string_view name, const std::string& key);

// Replaces every occurrence of the given names in a text with their
// pseudonyms. A name matches case-insensitively, with any run of spaces,
// underscores, hyphens, full stops or commas between its words, in its own
// word order or with the last word first ("Okafor, Daniel"), and only where
// no letter or digit touches it on either side.
class Redactor {
public:
    Redactor(const std::vector<std::string>& names, const std::string& key);
    ~Redactor();
    Redactor(Redactor&&) noexcept;
    Redactor& operator=(Redactor&&) noexcept;

    std::string apply(std::string_view text) const;

private:
    struct Pattern {
        std::unique_ptr<re2::RE2> regex;
        std::string replacement;
    };
    std::vector<Pattern> patterns_;
};

// Replaces every name in every text of the report (findings, evidence
// paths and places, file list, evidence items, grid rows, late files,
// export paths) with its pseudonym. Trainee ids and school names stay.
void redact(Report& report, const std::vector<std::string>& names, const std::string& key);

// Returns the redaction key: the bytes of `path` without trailing
// whitespace, or, when `path` is empty, the key in the user's configuration
// folder ($XDG_CONFIG_HOME, else ~/.config, then iqts-scan/redact.key),
// which is created with 32 random bytes written as hex and mode 0600 when
// it does not exist. Throws std::runtime_error naming the file on failure.
std::string load_redaction_key(const std::string& path);

// A logger that passes every message through a Redactor before handing it
// to `inner`. Until the names are known (set_names), messages are held back
// so that a file name logged during extraction is redacted too.
class RedactingLogger : public Logger {
public:
    RedactingLogger(Logger& inner, std::string key);
    ~RedactingLogger() override;

    void log(LogLevel level, const std::string& message) override;

    // Sets the names to redact and sends the held-back messages.
    void set_names(std::vector<std::string> names);
    const std::vector<std::string>& names() const { return names_; }
    const std::string& key() const { return key_; }

private:
    Logger& inner_;
    std::string key_;
    std::vector<std::string> names_;
    std::unique_ptr<Redactor> redactor_;
    std::vector<std::pair<LogLevel, std::string>> held_;
};

}  // namespace iqts::host
