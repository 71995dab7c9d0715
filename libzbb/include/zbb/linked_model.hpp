// zbb/linked_model.hpp - a validated model: integer indices and the linked sparse matrices.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "zbb/error.hpp"
#include "zbb/model.hpp"
#include "zbb/money.hpp"
#include "zbb/support.hpp"

namespace zbb {

/// Maps string ids to dense indices 0..n-1 in model order.
class id_index {
  public:
    id_index() = default;
    /// Adds an id; throws model_error for an empty or duplicate id.
    void add(const std::string& id, const char* entity) {
        if (id.empty()) detail::fail({entity, "", "id"}, "empty id");
        if (!map_.emplace(id, static_cast<int>(ids_.size())).second)
            detail::fail({entity, id, "id"}, "duplicate id");
        ids_.push_back(id);
    }
    /// Index of `id`, or -1.
    int find(const std::string& id) const {
        auto it = map_.find(id);
        return it == map_.end() ? -1 : it->second;
    }
    /// Index of `id`; throws model_error naming the link table, row and field when unknown.
    int at(const std::string& id, const char* table, const std::string& row,
           const char* field) const {
        int i = find(id);
        if (i < 0) detail::fail({table, row, field}, "unknown id '" + id + "'");
        return i;
    }
    const std::vector<std::string>& ids() const noexcept { return ids_; }
    int size() const noexcept { return static_cast<int>(ids_.size()); }

  private:
    std::unordered_map<std::string, int> map_;
    std::vector<std::string> ids_;
};

namespace detail {
inline void check_finite(double v, const error_location& where) {
    if (!std::isfinite(v)) fail(where, "must be a finite number");
}
inline void check_non_negative(double v, const error_location& where) {
    check_finite(v, where);
    if (v < 0) fail(where, "must not be negative (got " + short_number(v) + ")");
}
inline std::string pair_id(const std::string& a, const std::string& b) {
    return a + " -> " + b;
}

// Builds a sparse matrix from (row, col, value) while refusing duplicate (row, col) pairs.
template <class RowName>
sparse_matrix build_unique(int rows, int cols, std::vector<Eigen::Triplet<double, int>>& t,
                           const char* table, RowName&& row_name) {
    sparse_matrix m(rows, cols);
    bool duplicate = false;
    m.setFromTriplets(t.begin(), t.end(), [&](double a, double b) {
        duplicate = true;
        return a + b;
    });
    if (duplicate) {
        std::unordered_set<std::uint64_t> seen;
        seen.reserve(t.size());
        for (const auto& e : t) {
            auto key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(e.row())) << 32) |
                       static_cast<std::uint32_t>(e.col());
            if (!seen.insert(key).second)
                fail({table, row_name(e.row(), e.col()), ""}, "duplicate row");
        }
    }
    m.prune(0.0);
    m.makeCompressed();
    return m;
}
}  // namespace detail

/// A model that has passed every check, with its entities indexed and its link tables turned into
/// sparse matrices. Construction validates and throws model_error (or support_loop_error,
/// money_overflow) at the first problem; a linked_model is never half-valid. The support system is
/// factorised here, once, and reused by every budget computed from it.
class linked_model {
  public:
    explicit linked_model(zbb::model m) : model_(std::move(m)) { link(); }

    const zbb::model& source() const noexcept { return model_; }
    const zbb::currency& currency() const noexcept { return currency_; }

    const id_index& goals() const noexcept { return goals_; }
    const id_index& activities() const noexcept { return activities_; }
    const id_index& resources() const noexcept { return resources_; }
    const id_index& partners() const noexcept { return partners_; }

    /// effects E (goal x activity): change of the goal's indicator per unit of activity.
    const sparse_matrix& effects() const noexcept { return effects_; }
    /// consumption C (resource x activity): resource units per unit of activity.
    const sparse_matrix& consumption() const noexcept { return consumption_; }
    /// support S (activity x activity): S(s, a) = units of supplier s per unit of activity a.
    const sparse_matrix& support() const noexcept { return support_; }
    /// funding shares F (partner x activity); every column sums to 1. Activities without funding
    /// rows have share 1 for their executing partner.
    const sparse_matrix& funding_shares() const noexcept { return funding_shares_; }
    /// Unit prices as doubles (the exact decimals are in source().resources).
    const vector& prices() const noexcept { return prices_; }
    /// Direct unit cost per activity: c = C^T p.
    const vector& direct_unit_costs() const noexcept { return direct_unit_costs_; }
    /// The factorised support system.
    const support_system& support_solver() const noexcept { return support_system_; }
    /// Cost categories in order of first appearance, and each resource's category index.
    const std::vector<std::string>& categories() const noexcept { return categories_; }
    const std::vector<int>& resource_category() const noexcept { return resource_category_; }

    /// Direct volumes D (activity x goal) of a plan, validated against this model.
    sparse_matrix link_plan(const zbb::plan& p) const {
        std::vector<Eigen::Triplet<double, int>> t;
        t.reserve(p.rows.size());
        for (const auto& r : p.rows) {
            const auto row = detail::pair_id(r.goal, r.activity);
            int g = goals_.at(r.goal, "plan", row, "goal");
            int a = activities_.at(r.activity, "plan", row, "activity");
            detail::check_non_negative(r.volume, {"plan", row, "volume"});
            t.emplace_back(a, g, r.volume);
        }
        return detail::build_unique(
            activities_.size(), goals_.size(), t, "plan", [&](int a, int g) {
                return detail::pair_id(goals_.ids()[static_cast<std::size_t>(g)],
                                       activities_.ids()[static_cast<std::size_t>(a)]);
            });
    }
    /// True when some activity has levels (diminishing returns).
    bool has_levels() const noexcept {
        for (const auto& a : model_.activities)
            if (!a.levels.empty()) return true;
        return false;
    }
    /// Effective volumes: per activity, the total volume x_a weighted by its levels' effect
    /// multipliers, filled in order (the first up_to units at the first level's effect, ...);
    /// x_a itself for an activity without levels. Projected indicators are baseline + E of this.
    /// Throws model_error (activity id, field "levels") for a volume beyond the last level's up_to.
    vector effective_volumes(const vector& x) const {
        vector v = x;
        for (int a = 0; a < x.size(); ++a) {
            const auto& act = model_.activities[static_cast<std::size_t>(a)];
            if (act.levels.empty()) continue;
            const double last = act.levels.back().up_to;
            if (x[a] > last * (1 + 1e-9) + 1e-9)
                detail::fail({"activity", act.id, "levels"},
                             "total volume " + detail::short_number(x[a]) +
                                 " exceeds the last level's up_to " + detail::short_number(last) +
                                 " (levels act as a max)");
            double from = 0, eff = 0;
            for (const auto& l : act.levels) {
                eff += l.effect.to_double() * std::clamp(x[a] - from, 0.0, l.up_to - from);
                from = l.up_to;
            }
            v[a] = eff;
        }
        return v;
    }
    /// The model's own plan, linked.
    const sparse_matrix& plan() const noexcept { return plan_; }

  private:
    void link() {
        using detail::check_finite;
        using detail::check_non_negative;
        using detail::fail;
        const auto& m = model_;
        if (m.format != "zbb-model/1")
            fail({"model", "", "format"},
                 "unsupported format \"" + m.format + "\"; expected \"zbb-model/1\"");
        currency_ = currency_for(m.currency, m.minor_units);

        for (const auto& p : m.partners) partners_.add(p.id, "partner");
        for (const auto& g : m.goals) {
            goals_.add(g.id, "goal");
            check_finite(g.baseline, {"goal", g.id, "baseline"});
            check_finite(g.target, {"goal", g.id, "target"});
            check_non_negative(g.weight, {"goal", g.id, "weight"});
        }
        for (const auto& a : m.activities) {
            activities_.add(a.id, "activity");
            if (!a.partner.empty() && partners_.find(a.partner) < 0)
                fail({"activity", a.id, "partner"}, "unknown partner '" + a.partner + "'");
            check_non_negative(a.min, {"activity", a.id, "min"});
            if (a.max) {
                check_non_negative(*a.max, {"activity", a.id, "max"});
                if (*a.max < a.min) fail({"activity", a.id, "max"}, "is below min");
            }
            check_levels(a);
        }
        const int na = activities_.size();
        prices_.resize(static_cast<int>(m.resources.size()));
        for (std::size_t i = 0; i < m.resources.size(); ++i) {
            const auto& r = m.resources[i];
            resources_.add(r.id, "resource");
            if (r.available) check_non_negative(*r.available, {"resource", r.id, "available"});
            if (r.category.empty()) fail({"resource", r.id, "category"}, "empty category");
            prices_[static_cast<int>(i)] = r.price.to_double();
            int cat = -1;
            for (std::size_t k = 0; k < categories_.size(); ++k)
                if (categories_[k] == r.category) cat = static_cast<int>(k);
            if (cat < 0) {
                cat = static_cast<int>(categories_.size());
                categories_.push_back(r.category);
            }
            resource_category_.push_back(cat);
        }

        std::vector<Eigen::Triplet<double, int>> t;
        t.reserve(m.effects.size());
        for (const auto& e : m.effects) {
            const auto row = detail::pair_id(e.goal, e.activity);
            int g = goals_.at(e.goal, "effects", row, "goal");
            int a = activities_.at(e.activity, "effects", row, "activity");
            check_finite(e.per_unit, {"effects", row, "per_unit"});
            t.emplace_back(g, a, e.per_unit);
        }
        effects_ = detail::build_unique(goals_.size(), na, t, "effects", [&](int g, int a) {
            return detail::pair_id(goals_.ids()[static_cast<std::size_t>(g)],
                                   activities_.ids()[static_cast<std::size_t>(a)]);
        });

        t.clear();
        t.reserve(m.consumption.size());
        for (const auto& c : m.consumption) {
            const auto row = detail::pair_id(c.activity, c.resource);
            int a = activities_.at(c.activity, "consumption", row, "activity");
            int r = resources_.at(c.resource, "consumption", row, "resource");
            check_non_negative(c.per_unit, {"consumption", row, "per_unit"});
            t.emplace_back(r, a, c.per_unit);
        }
        consumption_ =
            detail::build_unique(resources_.size(), na, t, "consumption", [&](int r, int a) {
                return detail::pair_id(activities_.ids()[static_cast<std::size_t>(a)],
                                       resources_.ids()[static_cast<std::size_t>(r)]);
            });

        t.clear();
        t.reserve(m.support.size());
        for (const auto& s : m.support) {
            const auto row = detail::pair_id(s.supplier, s.consumer);
            int sup = activities_.at(s.supplier, "support", row, "supplier");
            int con = activities_.at(s.consumer, "support", row, "consumer");
            check_non_negative(s.per_unit, {"support", row, "per_unit"});
            t.emplace_back(sup, con, s.per_unit);
        }
        support_ = detail::build_unique(na, na, t, "support", [&](int s, int c) {
            return detail::pair_id(activities_.ids()[static_cast<std::size_t>(s)],
                                   activities_.ids()[static_cast<std::size_t>(c)]);
        });

        link_funding();
        plan_ = link_plan(m.plan);
        if (m.frame) {
            std::unordered_set<std::string> capped;
            for (const auto& c : m.frame->partner_caps) {
                if (partners_.find(c.partner) < 0)
                    fail({"frame.partner_caps", c.partner, "partner"},
                         "unknown partner '" + c.partner + "'");
                if (!capped.insert(c.partner).second)
                    fail({"frame.partner_caps", c.partner, "partner"}, "duplicate partner cap");
            }
        }

        link_packages();

        direct_unit_costs_ = consumption_.transpose() * prices_;
        for (int a = 0; a < na; ++a)
            if (!std::isfinite(direct_unit_costs_[a]))
                throw money_overflow(
                    {"activity", activities_.ids()[static_cast<std::size_t>(a)], "unit_cost"},
                    "direct unit cost overflows");
        support_system_ = support_system(support_, activities_.ids());
    }

    // Levels: up_to finite, positive and strictly increasing; effects non-increasing (the LP fills
    // the levels in order only then, docs/optimize.md); min within the last up_to.
    static void check_levels(const activity& a) {
        using detail::fail;
        double prev_up = 0;
        const decimal* prev_effect = nullptr;
        for (std::size_t k = 0; k < a.levels.size(); ++k) {
            const auto& l = a.levels[k];
            const std::string nth = "level " + std::to_string(k + 1);
            if (!std::isfinite(l.up_to) || !(l.up_to > prev_up))
                fail({"activity", a.id, "levels"},
                     nth + ": up_to " + detail::short_number(l.up_to) + " must be greater than " +
                         (k ? "the previous level's up_to " + detail::short_number(prev_up)
                            : std::string("0")));
            if (prev_effect && *prev_effect < l.effect)
                fail({"activity", a.id, "levels"}, nth + ": effect " + l.effect.text() +
                                                       " is above the previous level's " +
                                                       prev_effect->text() +
                                                       "; levels must have non-increasing effects "
                                                       "(increasing returns would let the "
                                                       "optimiser fill the stronger level first)");
            prev_up = l.up_to;
            prev_effect = &l.effect;
        }
        if (!a.levels.empty() && a.min > prev_up)
            fail({"activity", a.id, "levels"}, "min " + detail::short_number(a.min) +
                                                   " exceeds the last level's up_to " +
                                                   detail::short_number(prev_up));
    }

    // Decision packages: known activities, non-negative volumes, an activity once per package,
    // levels 1..k without gaps or repeats per unit.
    void link_packages() {
        using detail::fail;
        std::unordered_map<std::string, std::vector<int>> levels_of;
        for (const auto& p : model_.packages) {
            const std::string id = p.unit + "/" + std::to_string(p.level);
            if (p.unit.empty()) fail({"packages", id, "unit"}, "empty decision unit");
            if (p.priority) detail::check_finite(*p.priority, {"packages", id, "priority"});
            std::unordered_set<std::string> seen;
            for (const auto& v : p.volumes) {
                if (activities_.find(v.activity) < 0)
                    fail({"packages", id, "volumes"}, "unknown activity '" + v.activity + "'");
                if (!seen.insert(v.activity).second)
                    fail({"packages", id, "volumes"},
                         "activity '" + v.activity + "' appears twice");
                detail::check_non_negative(v.volume, {"packages", id, "volumes"});
            }
            auto& lv = levels_of[p.unit];
            if (std::find(lv.begin(), lv.end(), p.level) != lv.end())
                fail({"packages", id, "level"}, "duplicate package: unit '" + p.unit +
                                                    "' has level " + std::to_string(p.level) +
                                                    " twice");
            lv.push_back(p.level);
        }
        for (const auto& p : model_.packages) {
            auto lv = levels_of[p.unit];
            std::sort(lv.begin(), lv.end());
            for (std::size_t k = 0; k < lv.size(); ++k)
                if (lv[k] != static_cast<int>(k) + 1)
                    fail({"packages", p.unit + "/" + std::to_string(lv[k]), "level"},
                         "unit '" + p.unit + "' has level " + std::to_string(lv[k]) +
                             " but no level " + std::to_string(k + 1) +
                             " (levels run 1, 2, ... without gaps)");
        }
    }

    void link_funding() {
        const auto& m = model_;
        const int na = activities_.size();
        // Exact check that shares sum to 1: sum the decimals at the largest scale used.
        std::vector<std::vector<std::size_t>> rows_of(static_cast<std::size_t>(na));
        std::vector<Eigen::Triplet<double, int>> t;
        t.reserve(m.funding.size() + static_cast<std::size_t>(na));
        for (std::size_t i = 0; i < m.funding.size(); ++i) {
            const auto& f = m.funding[i];
            const auto row = detail::pair_id(f.activity, f.partner);
            int a = activities_.at(f.activity, "funding", row, "activity");
            int p = partners_.at(f.partner, "funding", row, "partner");
            if (f.share > decimal::parse("1", {}))
                detail::fail({"funding", row, "share"}, "share " + f.share.text() + " exceeds 1");
            rows_of[static_cast<std::size_t>(a)].push_back(i);
            t.emplace_back(p, a, f.share.to_double());
        }
        auto name_row = [&](int p, int a) {
            return detail::pair_id(activities_.ids()[static_cast<std::size_t>(a)],
                                   partners_.ids()[static_cast<std::size_t>(p)]);
        };
        detail::build_unique(partners_.size(), na, t, "funding", name_row);  // duplicates first
        for (int a = 0; a < na; ++a) {
            const auto& act = m.activities[static_cast<std::size_t>(a)];
            const auto& rows = rows_of[static_cast<std::size_t>(a)];
            if (rows.empty()) {
                if (act.partner.empty())
                    detail::fail({"activity", act.id, "partner"},
                                 "nobody pays for this activity: it has no funding rows and no "
                                 "executing partner");
                t.emplace_back(partners_.find(act.partner), a, 1.0);
                continue;
            }
            int scale = 0;
            for (auto i : rows) scale = std::max(scale, m.funding[i].share.scale());
            int128 sum = 0, one = decimal::parse("1", {}).units_at_scale(scale);
            for (auto i : rows) sum += m.funding[i].share.units_at_scale(scale);
            if (sum != one)
                detail::fail({"funding", act.id, "share"},
                             "funding shares of activity '" + act.id + "' sum to " +
                                 money::from_minor(sum).to_string(scale) + ", not exactly 1");
        }
        funding_shares_ = detail::build_unique(partners_.size(), na, t, "funding", name_row);
    }

    zbb::model model_;
    zbb::currency currency_;
    id_index goals_, activities_, resources_, partners_;
    sparse_matrix effects_, consumption_, support_, funding_shares_, plan_;
    vector prices_, direct_unit_costs_;
    std::vector<std::string> categories_;
    std::vector<int> resource_category_;
    support_system support_system_;
};

}  // namespace zbb
