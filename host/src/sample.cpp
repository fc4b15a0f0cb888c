#include "iqts/host/sample.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "iqts/host/cohort_builder.hpp"
#include "iqts/host/evidence_index.hpp"
#include "iqts/host/sniff.hpp"

namespace iqts::host {
namespace {

int parse_count(const RuleRow& row, const std::string& column) {
    const auto found = row.find(column);
    if (found == row.end()) {
        throw std::runtime_error("rules table annex_b_sampling: a row has no '" + column + "' column");
    }
    try {
        return std::stoi(found->second);
    } catch (const std::exception&) {
        throw std::runtime_error("rules table annex_b_sampling: '" + column + "' is '" + found->second +
                                 "', not a whole number");
    }
}

std::string first_text(const Person& person, const std::string& field) {
    const auto* fact = person.first(field);
    return fact ? fact->value.text : std::string{};
}

SampledPerson describe(const Person& person, const std::string& role) {
    SampledPerson sampled;
    sampled.role = role;
    sampled.id = person.id;
    sampled.name = person.name;
    sampled.school = first_text(person, "placement_school");
    if (sampled.school.empty()) sampled.school = first_text(person, "mentor_school");
    if (sampled.school.empty()) sampled.school = first_text(person, "school");
    sampled.phase = first_text(person, "age_phase");
    sampled.subject = first_text(person, "subject");
    return sampled;
}

void shuffle(std::vector<SampledPerson>& people, std::mt19937& engine) {
    for (std::size_t i = people.size(); i > 1; --i) {
        const auto j = bounded_draw(engine, static_cast<std::uint32_t>(i));
        std::swap(people[i - 1], people[j]);
    }
}

// Groups people into strata by `key`, shuffles each stratum and the order
// of the strata, then takes one person from each stratum in turn. Returns
// the chosen people and leaves the others in `rest`.
template <typename Key>
std::vector<SampledPerson> round_robin(std::vector<SampledPerson> people, std::size_t count, std::mt19937& engine,
                                       Key key, std::vector<SampledPerson>& rest) {
    std::map<decltype(key(people.front())), std::vector<SampledPerson>> strata;
    for (auto& person : people) strata[key(person)].push_back(std::move(person));
    std::vector<std::vector<SampledPerson>> ordered;
    for (auto& [name, members] : strata) {
        std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
            return std::tie(a.id, a.name) < std::tie(b.id, b.name);
        });
        shuffle(members, engine);
        ordered.push_back(std::move(members));
    }
    for (std::size_t i = ordered.size(); i > 1; --i) {
        std::swap(ordered[i - 1], ordered[bounded_draw(engine, static_cast<std::uint32_t>(i))]);
    }
    // Each school's first stratum comes before any school's second, so the
    // sample spreads over schools before it spreads over phases and subjects.
    std::map<std::string, std::size_t> seen_per_school;
    std::vector<std::pair<std::size_t, std::vector<SampledPerson>>> ranked;
    for (auto& stratum : ordered) ranked.emplace_back(seen_per_school[stratum.front().school]++, std::move(stratum));
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    ordered.clear();
    for (auto& [rank, stratum] : ranked) ordered.push_back(std::move(stratum));

    std::vector<SampledPerson> chosen;
    for (std::size_t round = 0; chosen.size() < count; ++round) {
        bool any = false;
        for (auto& stratum : ordered) {
            if (round >= stratum.size() || chosen.size() >= count) continue;
            chosen.push_back(stratum[round]);
            any = true;
        }
        if (!any) break;
    }
    for (auto& stratum : ordered) {
        for (auto& person : stratum) {
            const bool taken = std::any_of(chosen.begin(), chosen.end(), [&](const auto& c) {
                return c.id == person.id && c.name == person.name;
            });
            if (!taken) rest.push_back(person);
        }
    }
    return chosen;
}

std::string shortfall(const std::string& what, std::size_t chosen, int wanted, const std::string& reason) {
    return "only " + std::to_string(chosen) + " of " + std::to_string(wanted) + " " + what + " could be sampled: " +
           reason;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

Poco::JSON::Array::Ptr people_json(const std::vector<SampledPerson>& people) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& person : people) {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
        object->set("id", person.id);
        object->set("name", person.name);
        object->set("school", person.school);
        object->set("phase", person.phase);
        object->set("subject", person.subject);
        if (person.role == "trainee") object->set("group_meeting", person.group_meeting);
        array->add(object);
    }
    return array;
}

}  // namespace

SamplingRules read_sampling_rules(const RulePack& rules) {
    SamplingRules sampling;
    for (const auto& row : rules.table("annex_b_sampling")) {
        SampleBand band;
        const auto max = row.find("max_cohort");
        band.max_cohort = (max == row.end() || max->second.empty()) ? 0 : parse_count(row, "max_cohort");
        band.trainees = parse_count(row, "trainees");
        band.mentors = parse_count(row, "mentors");
        band.other = parse_count(row, "other");
        const auto source = row.find("source");
        if (source != row.end()) band.source = source->second;
        sampling.bands.push_back(band);
    }
    if (sampling.bands.empty()) {
        throw std::runtime_error("the rules have no table annex_b_sampling; restore rules/sampling.yaml");
    }
    std::sort(sampling.bands.begin(), sampling.bands.end(), [](const auto& a, const auto& b) {
        const auto order = [](const SampleBand& band) { return band.max_cohort == 0 ? INT32_MAX : band.max_cohort; };
        return order(a) < order(b);
    });
    if (const auto share = rules.number("sampling.group_share_max")) sampling.group_share_max = *share;
    if (const auto minimum = rules.number("sampling.group_min_cohort")) {
        sampling.group_min_cohort = static_cast<int>(*minimum);
    }
    return sampling;
}

const SampleBand& band_for(const SamplingRules& rules, std::size_t cohort_size) {
    for (const auto& band : rules.bands) {
        if (band.max_cohort == 0 || cohort_size <= static_cast<std::size_t>(band.max_cohort)) return band;
    }
    return rules.bands.back();
}

std::uint32_t bounded_draw(std::mt19937& engine, std::uint32_t bound) {
    // Values at or above the largest multiple of `bound` that fits in 2^32
    // are drawn again, so every remainder is equally likely.
    const std::uint64_t range = std::uint64_t{1} << 32;
    const std::uint64_t limit = range - range % bound;
    for (;;) {
        const std::uint64_t value = engine();
        if (value < limit) return static_cast<std::uint32_t>(value % bound);
    }
}

Sample draw_sample(const Cohort& cohort, const SamplingRules& rules, std::uint32_t seed) {
    Sample sample;
    sample.seed = seed;
    sample.cohort_size = cohort.trainees.size();
    sample.band = band_for(rules, sample.cohort_size);
    std::mt19937 engine(seed);

    std::vector<SampledPerson> trainees;
    for (const auto& person : cohort.trainees) trainees.push_back(describe(person, "trainee"));
    std::vector<SampledPerson> trainees_left;
    if (!trainees.empty()) {
        sample.trainees = round_robin(
            trainees, static_cast<std::size_t>(sample.band.trainees), engine,
            [](const SampledPerson& p) { return std::make_tuple(p.school, p.phase, p.subject); }, trainees_left);
    }
    if (sample.trainees.size() < static_cast<std::size_t>(sample.band.trainees)) {
        sample.shortfalls.push_back(shortfall("trainees", sample.trainees.size(), sample.band.trainees,
                                              "the cohort has no more trainees"));
    }
    if (static_cast<int>(sample.cohort_size) >= rules.group_min_cohort) {
        const auto groups = static_cast<std::size_t>(
            std::floor(rules.group_share_max * static_cast<double>(sample.trainees.size()) + 1e-9));
        for (std::size_t i = 0; i < groups; ++i) sample.trainees[sample.trainees.size() - 1 - i].group_meeting = true;
    }

    std::vector<SampledPerson> mentors;
    for (const auto& person : cohort.mentors) mentors.push_back(describe(person, "mentor"));
    std::vector<SampledPerson> mentors_left;
    if (!mentors.empty()) {
        sample.mentors = round_robin(mentors, static_cast<std::size_t>(sample.band.mentors), engine,
                                     [](const SampledPerson& p) { return p.school; }, mentors_left);
    }
    if (sample.mentors.size() < static_cast<std::size_t>(sample.band.mentors)) {
        sample.shortfalls.push_back(shortfall("mentors", sample.mentors.size(), sample.band.mentors,
                                              "the mentor registers list no more mentors"));
    }

    // NOTE: no staff register beyond the mentor lists is read, so other
    // school staff are the mentors not sampled as mentors.
    for (auto& person : mentors_left) person.role = "other";
    std::vector<SampledPerson> unused;
    if (!mentors_left.empty()) {
        sample.other = round_robin(mentors_left, static_cast<std::size_t>(sample.band.other), engine,
                                   [](const SampledPerson& p) { return p.school; }, unused);
    }
    if (sample.other.size() < static_cast<std::size_t>(sample.band.other)) {
        sample.shortfalls.push_back(shortfall("other school staff", sample.other.size(), sample.band.other,
                                              "no staff register names more school staff than the mentors "
                                              "already sampled; choose the rest by hand"));
    }
    return sample;
}

Cohort read_cohort(const std::vector<std::string>& paths, const LoadedRulePack& rules, const WalkLimits& walk_limits,
                   const ExtractLimits& extract_limits) {
    // The registers are spreadsheets and tables, so one thread extracting
    // each file as the walker hands it over is fast enough here.
    BuiltIndex index;
    WalkVisitor visitor;
    visitor.on_file = [&](EvidenceFile&& file) {
        const auto kind = sniff(file.bytes, file.name);
        auto extraction = extract(kind, file.path, file.bytes, extract_limits);
        if (extraction.status == FileStatus::read || extraction.status == FileStatus::review) {
            index.add_document(std::move(extraction.document));
        }
    };
    visitor.on_record = [](FileRecord&&) {};
    walk(paths, walk_limits, visitor);
    index.finish();
    return build_cohort(index, rules);
}

void write_sample_text(const Sample& sample, std::ostream& out) {
    out << "Cohort: " << sample.cohort_size << " trainees; seed " << sample.seed << '\n';
    out << "Annex B asks for " << sample.band.trainees << " trainees, " << sample.band.mentors << " mentors and "
        << sample.band.other << " other school staff";
    if (!sample.band.source.empty()) out << " (" << sample.band.source << ")";
    out << "\n";
    const auto section = [&](const std::string& title, const std::vector<SampledPerson>& people) {
        out << '\n' << title << " (" << people.size() << ")\n";
        for (const auto& person : people) {
            out << "  " << (person.id.empty() ? "-" : person.id) << "  " << person.name << "  " << person.school;
            if (!person.phase.empty()) out << "  " << person.phase;
            if (!person.subject.empty()) out << "  " << person.subject;
            if (person.group_meeting) out << "  [group meeting]";
            out << '\n';
        }
    };
    section("Trainees", sample.trainees);
    section("Mentors", sample.mentors);
    section("Other school staff", sample.other);
    for (const auto& message : sample.shortfalls) out << "\nNote: " << message << '\n';
}

void write_sample_json(const Sample& sample, std::ostream& out) {
    Poco::JSON::Object root;
    root.set("cohort_size", static_cast<unsigned long>(sample.cohort_size));
    root.set("seed", static_cast<unsigned long>(sample.seed));
    Poco::JSON::Object::Ptr band = new Poco::JSON::Object;
    band->set("trainees", sample.band.trainees);
    band->set("mentors", sample.band.mentors);
    band->set("other", sample.band.other);
    band->set("source", sample.band.source);
    root.set("requested", band);
    root.set("trainees", people_json(sample.trainees));
    root.set("mentors", people_json(sample.mentors));
    root.set("other", people_json(sample.other));
    Poco::JSON::Array::Ptr shortfalls = new Poco::JSON::Array;
    for (const auto& message : sample.shortfalls) shortfalls->add(message);
    root.set("shortfalls", shortfalls);
    root.stringify(out, 2);
    out << '\n';
}

void write_sample_csv(const Sample& sample, std::ostream& out) {
    out << "role,id,name,school,phase,subject,group_meeting\r\n";
    for (const auto* people : {&sample.trainees, &sample.mentors, &sample.other}) {
        for (const auto& person : *people) {
            out << person.role << ',' << csv_field(person.id) << ',' << csv_field(person.name) << ','
                << csv_field(person.school) << ',' << csv_field(person.phase) << ',' << csv_field(person.subject)
                << ',' << (person.group_meeting ? "yes" : "no") << "\r\n";
        }
    }
}

}  // namespace iqts::host
