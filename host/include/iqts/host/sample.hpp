#pragma once

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "iqts/cohort.hpp"
#include "iqts/host/extract.hpp"
#include "iqts/host/rule_pack.hpp"
#include "iqts/host/walker.hpp"
#include "iqts/rules.hpp"

namespace iqts::host {

// One row of the inspection framework's sampling table (Annex B): how many
// trainees, mentors and other school staff inspectors meet for a cohort of
// at most `max_cohort` trainees. `max_cohort` 0 marks the last, open band.
struct SampleBand {
    int max_cohort = 0;
    int trainees = 0;
    int mentors = 0;
    int other = 0;
    std::string source;
};

struct SamplingRules {
    std::vector<SampleBand> bands;       // ordered by max_cohort, the open band last
    double group_share_max = 0.4;        // share of sampled trainees that may meet in groups
    int group_min_cohort = 51;           // smallest cohort for which group meetings are allowed
};

// Reads the table `annex_b_sampling` and the settings
// `sampling.group_share_max` and `sampling.group_min_cohort` from the rule
// pack. Throws std::runtime_error when the table is missing or invalid.
SamplingRules read_sampling_rules(const RulePack& rules);

// Returns the band for a cohort of `cohort_size` trainees.
const SampleBand& band_for(const SamplingRules& rules, std::size_t cohort_size);

// Returns a number in [0, bound) from `engine` by rejection sampling, which
// gives the same sequence with every standard library, unlike
// std::uniform_int_distribution. `bound` must be positive.
std::uint32_t bounded_draw(std::mt19937& engine, std::uint32_t bound);

struct SampledPerson {
    std::string role;                // trainee, mentor or other
    std::string id;
    std::string name;
    std::string school;
    std::string phase;
    std::string subject;
    bool group_meeting = false;      // trainees only: may be met in a group
};

struct Sample {
    std::size_t cohort_size = 0;
    std::uint32_t seed = 0;
    SampleBand band;
    std::vector<SampledPerson> trainees;
    std::vector<SampledPerson> mentors;
    std::vector<SampledPerson> other;
    std::vector<std::string> shortfalls;  // why fewer people were chosen than the band asks for
};

// Chooses the sample: trainees round-robin over strata of school, phase and
// subject, mentors and other staff round-robin over schools, each stratum
// shuffled with std::mt19937 seeded with `seed`. Other staff are the mentors
// not chosen. For cohorts of at least `group_min_cohort`, the last
// floor(group_share_max x sampled trainees) trainees are marked for group
// meetings.
Sample draw_sample(const Cohort& cohort, const SamplingRules& rules, std::uint32_t seed);

// Walks and extracts the export and builds its cohort, without running any
// check. Throws std::runtime_error when the export cannot be walked.
Cohort read_cohort(const std::vector<std::string>& paths, const LoadedRulePack& rules, const WalkLimits& walk_limits,
                   const ExtractLimits& extract_limits);

void write_sample_text(const Sample& sample, std::ostream& out);
void write_sample_json(const Sample& sample, std::ostream& out);
void write_sample_csv(const Sample& sample, std::ostream& out);

}  // namespace iqts::host
