// zbb/linked_model.hpp - a validated model: integer indices and the linked sparse matrices.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "zbb/bbv_codes.hpp"
#include "zbb/error.hpp"
#include "zbb/levels.hpp"
#include "zbb/model.hpp"
#include "zbb/money.hpp"
#include "zbb/numeric_range.hpp"
#include "zbb/support.hpp"

namespace zbb {

/// A read-only list of ids shared with the model it came from (a budget's breakdown keys): copying
/// it copies a pointer, not the ids.
class key_list {
  public:
    key_list() : ids_(no_ids()) {}
    explicit key_list(std::shared_ptr<const std::vector<std::string>> ids) : ids_(std::move(ids)) {
        if (!ids_) ids_ = no_ids();
    }
    explicit key_list(std::vector<std::string> ids)
        : ids_(std::make_shared<const std::vector<std::string>>(std::move(ids))) {}

    std::size_t size() const noexcept { return ids_->size(); }
    bool empty() const noexcept { return ids_->empty(); }
    const std::string& operator[](std::size_t i) const { return (*ids_)[i]; }
    auto begin() const noexcept { return ids_->begin(); }
    auto end() const noexcept { return ids_->end(); }
    /// The ids as a vector.
    const std::vector<std::string>& ids() const noexcept { return *ids_; }
    operator const std::vector<std::string>&() const noexcept { return *ids_; }

  private:
    static const std::shared_ptr<const std::vector<std::string>>& no_ids() {
        static const auto none = std::make_shared<const std::vector<std::string>>();
        return none;
    }
    std::shared_ptr<const std::vector<std::string>> ids_;
};

/// Maps string ids to dense indices 0..n-1 in model order: an open-addressing hash table over the
/// ids themselves (no node per id), so that a million link rows resolve their ids in a few
/// milliseconds.
class id_index {
  public:
    id_index() = default;

    /// Reserves room for n ids.
    void reserve(std::size_t n) {
        own().reserve(n);
        if (slots_.size() < 2 * n) grow(2 * n);
    }
    /// Adds an id; throws model_error for an empty or duplicate id.
    void add(const std::string& id, const char* entity) {
        if (id.empty()) detail::fail({entity, "", "id"}, "empty id");
        auto& ids = own();
        if (2 * (ids.size() + 1) > slots_.size()) grow(2 * (ids.size() + 1));
        const std::uint64_t h = hash(id);
        std::size_t s = static_cast<std::size_t>(h) & mask_;
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        while (slots_[s] != 0) {
            if (tags_[s] == tag && ids[slots_[s] - 1] == id)
                detail::fail({entity, id, "id"}, "duplicate id");
            s = (s + 1) & mask_;
        }
        ids.push_back(id);
        slots_[s] = static_cast<std::uint32_t>(ids.size());
        tags_[s] = tag;
    }
    /// Index of `id`, or -1.
    int find(std::string_view id) const {
        if (slots_.empty()) return -1;
        const std::uint64_t h = hash(id);
        std::size_t s = static_cast<std::size_t>(h) & mask_;
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        const auto& ids = *ids_;
        while (slots_[s] != 0) {
            if (tags_[s] == tag && ids[slots_[s] - 1] == id) return static_cast<int>(slots_[s]) - 1;
            s = (s + 1) & mask_;
        }
        return -1;
    }
    /// Index of `id`; throws model_error naming the link table, row and field when unknown.
    /// `row` is the row's name, or a callable that makes it (only called for the error).
    template <class Row>
    int at(const std::string& id, const char* table, const Row& row, const char* field) const {
        int i = find(id);
        if (i < 0) {
            if constexpr (std::is_invocable_v<const Row&>)
                detail::fail({table, row(), field}, "unknown id '" + id + "'");
            else
                detail::fail({table, std::string(row), field}, "unknown id '" + id + "'");
        }
        return i;
    }
    const std::vector<std::string>& ids() const noexcept { return *ids_; }
    /// The ids, shared (for a budget's breakdown keys).
    key_list keys() const { return key_list(ids_); }
    int size() const noexcept { return static_cast<int>(ids_->size()); }

  private:
    // The ids are shared between copies of a linked model; a copy that adds ids gets its own.
    std::vector<std::string>& own() {
        if (ids_.use_count() > 1) ids_ = std::make_shared<std::vector<std::string>>(*ids_);
        return *ids_;
    }
    // FNV-1a over 8-byte words, then a final mix: fast for the short ids of real models.
    static std::uint64_t hash(std::string_view s) {
        std::uint64_t h = 0xcbf29ce484222325ull ^ s.size();
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            h = (h ^ w) * 0x100000001b3ull;
            h ^= h >> 29;
        }
        for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001b3ull;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        return h;
    }
    void grow(std::size_t at_least) {
        std::size_t n = 16;
        while (n < at_least) n *= 2;
        slots_.assign(n, 0);
        tags_.assign(n, 0);
        mask_ = n - 1;
        const auto& ids = *ids_;
        for (std::size_t k = 0; k < ids.size(); ++k) {
            const std::uint64_t h = hash(ids[k]);
            std::size_t s = static_cast<std::size_t>(h) & mask_;
            while (slots_[s] != 0) s = (s + 1) & mask_;
            slots_[s] = static_cast<std::uint32_t>(k + 1);
            tags_[s] = static_cast<std::uint32_t>(h >> 32);
        }
    }

    std::shared_ptr<std::vector<std::string>> ids_ = std::make_shared<std::vector<std::string>>();
    std::vector<std::uint32_t> slots_;  // 1 + index into the ids, 0 = empty
    std::vector<std::uint32_t> tags_;   // high hash bits, to skip most string comparisons
    std::size_t mask_ = 0;
};

/// An id_index lookup that remembers the last id it resolved: link rows grouped by an id (the usual
/// order of exports, and of zbb's writer) hash and probe it once per group, not once per row.
class recent_id {
  public:
    explicit recent_id(const id_index& index) : index_(index) {}
    /// As id_index::at.
    template <class Row>
    int at(const std::string& id, const char* table, const Row& row, const char* field) {
        if (last_ >= 0 && index_.ids()[static_cast<std::size_t>(last_)] == id) return last_;
        last_ = index_.at(id, table, row, field);
        return last_;
    }

  private:
    const id_index& index_;
    int last_ = -1;
};

namespace detail {
// `where` is an error_location or a callable that makes one (only called for the error).
template <class Where>
error_location located(const Where& where) {
    if constexpr (std::is_invocable_v<const Where&>)
        return where();
    else
        return where;
}
template <class Where = error_location>
void check_finite(double v, const Where& where) {
    if (!std::isfinite(v)) fail(located(where), "must be a finite number");
}
template <class Where = error_location>
void check_non_negative(double v, const Where& where) {
    if (!std::isfinite(v)) fail(located(where), "must be a finite number");
    if (v < 0) fail(located(where), "must not be negative (got " + short_number(v) + ")");
}
using zbb::pair_id;

/// A coefficient's range (`low`, `high` beside `per_unit`, the likely value): both or neither,
/// each finite, non-negative where the coefficient must be, within the coefficient range (0 or
/// numeric_range::min_coefficient..max_coefficient in magnitude), and low <= per_unit <= high.
inline void check_coefficient_range(const char* table, const std::string& row, double per_unit,
                                    const std::optional<double>& low,
                                    const std::optional<double>& high, bool non_negative) {
    if (!low && !high) return;
    if (!low || !high)
        fail({table, row, low ? "high" : "low"},
             "missing; a range needs both low and high (or neither)");
    for (const auto& [v, field] : {std::pair{*low, "low"}, std::pair{*high, "high"}}) {
        if (non_negative) check_non_negative(v, error_location{table, row, field});
        if (!(std::fabs(v) <= numeric_range::max_coefficient &&
              (v == 0 || std::fabs(v) >= numeric_range::min_coefficient)))
            check_magnitude(v, numeric_range::min_coefficient, numeric_range::max_coefficient,
                            {table, row, field});
    }
    if (*low > per_unit)
        fail({table, row, "low"}, short_number(*low) + " is above per_unit " +
                                      short_number(per_unit) +
                                      "; a range has low <= per_unit <= high");
    if (*high < per_unit)
        fail({table, row, "high"}, short_number(*high) + " is below per_unit " +
                                       short_number(per_unit) +
                                       "; a range has low <= per_unit <= high");
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

/// Settings of linking a model (passed explicitly; zbb has no global state).
struct link_options {
    support_options support;  ///< how the support system is solved
};

/// A source model read in place: the members of zbb::model, as references into the parts that a
/// linked_model shares with the models it was edited from (zbb/scenario.hpp). Reading a view never
/// assembles the whole source; it is valid while the linked_model lives.
struct model_view {
    const std::string& format;
    const std::string& name;
    const std::string& description;
    const std::string& currency;
    const std::optional<int>& minor_units;
    const std::vector<goal>& goals;
    const std::vector<activity>& activities;
    const std::vector<resource>& resources;
    const std::vector<partner>& partners;
    const std::vector<zbb::area>& areas;
    const std::vector<effect_row>& effects;
    const std::vector<consumption_row>& consumption;
    const std::vector<support_row>& support;
    const std::vector<funding_row>& funding;
    const zbb::plan& plan;
    const std::optional<financial_frame>& frame;
    const std::vector<decision_package>& packages;
    const std::optional<multi_year>& years;
    const std::vector<zbb::programme>& programmes;
};

namespace detail {
struct model_editor;  // zbb/scenario.hpp
}

/// A model that has passed every check, with its entities indexed and its link tables turned into
/// sparse matrices. Construction validates and throws model_error (or support_loop_error,
/// money_overflow) at the first problem; a linked_model is never half-valid. The support system is
/// factorised here, once, and reused by every budget computed from it.
///
/// The linked parts (id indexes, matrices, vectors, the factorisation) and the source's tables are
/// immutable and held by shared pointers: copying a linked_model copies pointers, and the scenario
/// edits of zbb/scenario.hpp share with the original every part they do not change.
class linked_model {
  public:
    explicit linked_model(zbb::model m, const link_options& options = {}) : options_(options) {
        auto whole = std::make_shared<const zbb::model>(std::move(m));
        src_ = parts_of(whole);
        assembled_ = std::make_shared<assembled_source>();
        assembled_->model = std::move(whole);
        link();
    }

    /// The source model. For a model made by a scenario edit (zbb/scenario.hpp) it is assembled
    /// from the shared parts on the first call (a copy of every table, thread-safe) and kept;
    /// view() reads the same data without assembling it.
    const zbb::model& source() const {
        auto& a = *assembled_;
        std::call_once(a.once, [&] {
            if (!a.model) a.model = std::make_shared<const zbb::model>(assemble());
        });
        return *a.model;
    }
    /// The source model's fields in place, never assembled (see model_view).
    model_view view() const noexcept {
        const auto& b = *src_.base;
        return {b.format,       b.name,        b.description,    b.currency,
                b.minor_units,  *src_.goals,   *src_.activities, *src_.resources,
                *src_.partners, *src_.areas,   *src_.effects,    *src_.consumption,
                *src_.support,  *src_.funding, *src_.plan,       *src_.frame,
                *src_.packages, *src_.years,   b.programmes};
    }
    const link_options& options() const noexcept { return options_; }
    const zbb::currency& currency() const noexcept { return currency_; }

    const id_index& goals() const noexcept { return *goals_; }
    const id_index& activities() const noexcept { return *activities_; }
    const id_index& resources() const noexcept { return *resources_; }
    const id_index& partners() const noexcept { return *partners_; }

    /// effects E (goal x activity): change of the goal's indicator per unit of activity.
    const sparse_matrix& effects() const noexcept { return *effects_; }
    /// consumption C (resource x activity): resource units per unit of activity.
    const sparse_matrix& consumption() const noexcept { return *consumption_; }
    /// C by rows (for C x, a gather per resource).
    const Eigen::SparseMatrix<double, Eigen::RowMajor, int>& consumption_by_resource()
        const noexcept {
        return *consumption_rows_;
    }
    /// support S (activity x activity): S(s, a) = units of supplier s per unit of activity a.
    const sparse_matrix& support() const noexcept { return *support_; }
    /// funding shares F (partner x activity); every column sums to 1. Activities without funding
    /// rows have share 1 for their executing partner.
    const sparse_matrix& funding_shares() const noexcept { return *funding_shares_; }
    /// Unit prices as doubles (the exact decimals are in source().resources).
    const dense_vector& prices() const noexcept { return *prices_; }
    /// Direct unit cost per activity: c = C^T p.
    const dense_vector& direct_unit_costs() const noexcept { return *direct_unit_costs_; }
    /// The factorised support system.
    const support_system& support_solver() const noexcept { return *support_system_; }
    /// Cost categories in order of first appearance, and each resource's category index.
    const std::vector<std::string>& categories() const noexcept { return categories_->ids(); }
    const std::vector<int>& resource_category() const noexcept { return *resource_category_; }
    /// Baselines of the goals, bounds of the activities (max +infinity when unbounded) and
    /// availability of the resources (+infinity when unlimited), in model order.
    const dense_vector& baselines() const noexcept { return *baselines_; }
    const dense_vector& activity_min() const noexcept { return *activity_min_; }
    const dense_vector& activity_max() const noexcept { return *activity_max_; }
    const dense_vector& resource_available() const noexcept { return *resource_available_; }
    /// The ids of goals, activities, resources, partners and categories as shared key lists.
    key_list goal_keys() const { return goals_->keys(); }
    key_list activity_keys() const { return activities_->keys(); }
    key_list resource_keys() const { return resources_->keys(); }
    key_list partner_keys() const { return partners_->keys(); }
    key_list category_keys() const { return categories_->keys(); }

    /// True when the model has areas (a non-empty "areas" table); budgets then have by_area.
    bool has_areas() const noexcept { return !src_.areas->empty(); }
    /// True when the model has a multi-year estimate ("years"; zbb/years.hpp).
    bool has_years() const noexcept { return src_.years->has_value(); }
    /// The multi-year estimate as given (checked when linking); none without "years".
    const std::optional<multi_year>& years() const noexcept { return *src_.years; }
    /// The keys of the by_area breakdown: the model's area ids in model order, then
    /// no_area_key ("(no area)") when some activity and some goal both lack an area (a plan
    /// entry of such a pair belongs to no area). Empty when the model has no areas.
    const id_index& area_keys_index() const noexcept { return *areas_; }
    key_list area_keys() const { return areas_->keys(); }
    /// Per area (model order), the index of its parent area, -1 for a top-level area.
    const std::vector<int>& area_parents() const noexcept { return *area_parent_; }
    /// The area index (into area_keys()) of a plan entry (activity a, goal g): the area of the
    /// model's plan row for the pair, else the activity's, else the goal's, else "(no area)".
    /// Only meaningful when has_areas().
    int entry_area(int a, int g) const {
        if (!pair_area_->empty()) {
            auto it = pair_area_->find(pair_key(a, g));
            if (it != pair_area_->end()) return it->second;
        }
        const int aa = (*activity_area_)[static_cast<std::size_t>(a)];
        if (aa >= 0) return aa;
        const int ga = (*goal_area_)[static_cast<std::size_t>(g)];
        return ga >= 0 ? ga : areas_->size() - 1;
    }
    /// The area index (into area_keys()) of activity a, -1 when it has none.
    int activity_area(int a) const { return (*activity_area_)[static_cast<std::size_t>(a)]; }
    /// True when area `k` is area `outer` or lies inside it (through parents).
    bool area_within(int k, int outer) const {
        const auto& parents = *area_parent_;
        for (int at = k; at >= 0 && at < static_cast<int>(parents.size());
             at = parents[static_cast<std::size_t>(at)])
            if (at == outer) return true;
        return false;
    }
    /// The key of plan entries that belong to no area.
    static constexpr const char* no_area_key = "(no area)";

    /// Direct volumes D (activity x goal) of a plan, validated against this model.
    sparse_matrix link_plan(const zbb::plan& p) const {
        const auto& goals = *goals_;
        const auto& activities = *activities_;
        std::vector<Eigen::Triplet<double, int>> t;
        t.reserve(p.rows.size());
        recent_id plan_goal(goals), plan_activity(activities);
        for (const auto& r : p.rows) {
            const auto row = [&] { return detail::pair_id(r.goal, r.activity); };
            int g = plan_goal.at(r.goal, "plan", row, "goal");
            int a = plan_activity.at(r.activity, "plan", row, "activity");
            if (!(r.volume >= 0 && r.volume <= numeric_range::max_quantity))
                detail::check_quantity(r.volume, {"plan", row(), "volume"});
            if (!r.area.empty()) area_index(r.area, {"plan", row(), "area"});
            t.emplace_back(a, g, r.volume);
        }
        return detail::build_unique(activities.size(), goals.size(), t, "plan", [&](int a, int g) {
            return detail::pair_id(goals.ids()[static_cast<std::size_t>(g)],
                                   activities.ids()[static_cast<std::size_t>(a)]);
        });
    }
    /// True when some activity has levels (diminishing returns).
    bool has_levels() const noexcept { return has_levels_; }
    /// Effective volumes: per activity, the total volume x_a weighted by its levels' effect
    /// multipliers, filled in order (the first up_to units at the first level's effect, ...);
    /// x_a itself for an activity without levels. Projected indicators are baseline + E of this.
    /// Throws model_error (activity id, field "levels") for a volume beyond the last level's up_to.
    dense_vector effective_volumes(const dense_vector& x) const {
        dense_vector v = x;
        const auto& activities = *src_.activities;
        for (int a = 0; a < x.size(); ++a) {
            const auto& act = activities[static_cast<std::size_t>(a)];
            if (act.levels.empty()) continue;
            if (beyond_last_level(act, x[a]))
                detail::fail({"activity", act.id, "levels"},
                             "total volume " + detail::short_number(x[a]) +
                                 " exceeds the last level's up_to " +
                                 detail::short_number(act.levels.back().up_to) +
                                 " (levels act as a max)");
            v[a] = effective_volume(act, x[a]);
        }
        return v;
    }
    /// The model's own plan, linked.
    const sparse_matrix& plan() const noexcept { return *plan_; }

  private:
    friend struct detail::model_editor;
    template <class T>
    using shared = std::shared_ptr<const T>;
    // A linked matrix behind a shared pointer, swapped in (Eigen 3.4's SparseMatrix has no move
    // constructor, so make_shared from a temporary would copy it).
    static shared<sparse_matrix> shared_matrix(sparse_matrix&& m) {
        auto p = std::make_shared<sparse_matrix>();
        p->swap(m);
        return p;
    }
    using row_major = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

    // The source as parts: the header fields come from `base`; each table is an aliasing pointer
    // into `base`, or its own copy once an edit has replaced it.
    struct source_parts {
        shared<zbb::model> base;
        shared<std::vector<goal>> goals;
        shared<std::vector<activity>> activities;
        shared<std::vector<resource>> resources;
        shared<std::vector<partner>> partners;
        shared<std::vector<zbb::area>> areas;
        shared<std::vector<effect_row>> effects;
        shared<std::vector<consumption_row>> consumption;
        shared<std::vector<support_row>> support;
        shared<std::vector<funding_row>> funding;
        shared<zbb::plan> plan;
        shared<std::optional<financial_frame>> frame;
        shared<std::vector<decision_package>> packages;
        shared<std::optional<multi_year>> years;
    };
    // The whole source model, made once on demand (shared by copies, which have the same parts).
    struct assembled_source {
        std::once_flag once;
        shared<zbb::model> model;
    };

    static source_parts parts_of(const shared<zbb::model>& m) {
        return {m,
                {m, &m->goals},
                {m, &m->activities},
                {m, &m->resources},
                {m, &m->partners},
                {m, &m->areas},
                {m, &m->effects},
                {m, &m->consumption},
                {m, &m->support},
                {m, &m->funding},
                {m, &m->plan},
                {m, &m->frame},
                {m, &m->packages},
                {m, &m->years}};
    }
    zbb::model assemble() const {
        const model_view v = view();
        zbb::model m;
        m.format = v.format;
        m.name = v.name;
        m.description = v.description;
        m.currency = v.currency;
        m.minor_units = v.minor_units;
        m.goals = v.goals;
        m.activities = v.activities;
        m.resources = v.resources;
        m.partners = v.partners;
        m.areas = v.areas;
        m.effects = v.effects;
        m.consumption = v.consumption;
        m.support = v.support;
        m.funding = v.funding;
        m.plan = v.plan;
        m.frame = v.frame;
        m.packages = v.packages;
        m.years = v.years;
        m.programmes = v.programmes;
        return m;
    }
    // After an edit replaced a part: the whole source is assembled anew when asked for.
    void parts_changed() { assembled_ = std::make_shared<assembled_source>(); }

    // The checks of one entity or table, shared by linking and the scenario edits.
    static void check_goal(const goal& g) {
        using detail::check_finite;
        using detail::check_non_negative;
        auto at = [&](const char* field) {
            return [&g, field] { return error_location{"goal", g.id, field}; };
        };
        check_finite(g.baseline, at("baseline"));
        check_finite(g.target, at("target"));
        check_non_negative(g.weight, at("weight"));
        detail::check_indicator(g.baseline, at("baseline")());
        detail::check_indicator(g.target, at("target")());
        detail::check_magnitude(g.weight, numeric_range::min_weight, numeric_range::max_weight,
                                at("weight")());
    }
    void check_activity(const activity& a) const {
        auto at = [&](const char* field) { return error_location{"activity", a.id, field}; };
        if (!a.partner.empty() && partners_->find(a.partner) < 0)
            detail::fail(at("partner"), "unknown partner '" + a.partner + "'");
        if (!a.area.empty()) area_index(a.area, at("area"));
        if (!a.taakveld.empty() && bbv_code_index(taakvelden, a.taakveld) < 0)
            detail::fail(at("taakveld"), "unknown taakveld '" + a.taakveld +
                                             "' (the BBV list 0.1 to 8.3, docs/bbv.md)");
        detail::check_quantity(a.min, at("min"));
        if (a.max) {
            detail::check_quantity(*a.max, at("max"));
            if (*a.max < a.min) detail::fail(at("max"), "is below min");
        }
        if (!a.levels.empty()) check_levels(a);
    }
    void check_resource(const resource& r) const {
        if (r.available) detail::check_quantity(*r.available, {"resource", r.id, "available"});
        if (r.category.empty()) detail::fail({"resource", r.id, "category"}, "empty category");
        if (!r.economic_category.empty() &&
            bbv_code_index(economic_categories, r.economic_category) < 0)
            detail::fail({"resource", r.id, "economic_category"},
                         "unknown economic category '" + r.economic_category +
                             "' (the Iv3 categories of costs, docs/bbv.md)");
        detail::check_money_range(r.price, currency_.minor_digits, {"resource", r.id, "price"});
        if (!r.price_low && !r.price_high) return;
        if (!r.price_low || !r.price_high)
            detail::fail({"resource", r.id, r.price_low ? "price_high" : "price_low"},
                         "missing; a price range needs both price_low and price_high (or "
                         "neither)");
        detail::check_money_range(*r.price_low, currency_.minor_digits,
                                  {"resource", r.id, "price_low"});
        detail::check_money_range(*r.price_high, currency_.minor_digits,
                                  {"resource", r.id, "price_high"});
        if (*r.price_low > r.price)
            detail::fail({"resource", r.id, "price_low"},
                         "\"" + r.price_low->text() + "\" is above the price \"" + r.price.text() +
                             "\"; a range has price_low <= price <= price_high");
        if (*r.price_high < r.price)
            detail::fail({"resource", r.id, "price_high"},
                         "\"" + r.price_high->text() + "\" is below the price \"" + r.price.text() +
                             "\"; a range has price_low <= price <= price_high");
    }
    void check_frame(const std::optional<financial_frame>& frame) const {
        if (!frame) return;
        if (frame->budget)
            detail::check_money_range(*frame->budget, currency_.minor_digits,
                                      {"frame", "", "budget"});
        std::unordered_set<std::string> capped;
        for (const auto& c : frame->partner_caps) {
            if (partners_->find(c.partner) < 0)
                detail::fail({"frame.partner_caps", c.partner, "partner"},
                             "unknown partner '" + c.partner + "'");
            if (!capped.insert(c.partner).second)
                detail::fail({"frame.partner_caps", c.partner, "partner"}, "duplicate partner cap");
            detail::check_money_range(c.cap, currency_.minor_digits,
                                      {"frame.partner_caps", c.partner, "cap"});
        }
        std::unordered_set<std::string> capped_areas;
        for (const auto& c : frame->area_caps) {
            if (!has_areas())
                detail::fail({"frame.area_caps", c.area, "area"},
                             "an area cap needs a model with areas (an \"areas\" table)");
            area_index(c.area, {"frame.area_caps", c.area, "area"});
            if (!capped_areas.insert(c.area).second)
                detail::fail({"frame.area_caps", c.area, "area"}, "duplicate area cap");
            detail::check_money_range(c.cap, currency_.minor_digits,
                                      {"frame.area_caps", c.area, "cap"});
        }
    }
    // The multi-year estimate: the years in order, every index factor of a year after the budget
    // year and within 0.5 to 2, each indexed category used by a resource and indexed by a series
    // with a factor for every year, year volumes of known pairs in range, nothing twice.
    void check_years(const std::optional<multi_year>& years,
                     const std::vector<resource>& resources) const {
        using detail::fail;
        if (!years) return;
        const int first = years->budget_year, last = years->last_year;
        if (last < first)
            fail({"years", "", "last_year"},
                 std::to_string(last) + " is before the budget year " + std::to_string(first));
        if (last - first > 9)
            fail({"years", "", "last_year"},
                 std::to_string(last) + " is more than 9 years after the budget year " +
                     std::to_string(first) + " (an estimate covers at most 10 years)");
        const auto later_year = [&](int year, const error_location& where) {
            if (year <= first || year > last)
                fail(where, std::to_string(year) + " is not a year after the budget year " +
                                std::to_string(first) + " up to the last year " +
                                std::to_string(last));
        };
        static const decimal min_factor = decimal::parse("0.5", {}),
                             max_factor = decimal::parse("2", {});
        std::unordered_map<std::string, std::vector<bool>> series;
        for (const auto& f : years->index_series) {
            const std::string id = f.series + "/" + std::to_string(f.year);
            if (f.series.empty()) fail({"years.index_series", id, "series"}, "must not be empty");
            later_year(f.year, {"years.index_series", id, "year"});
            auto& seen = series[f.series];
            seen.resize(static_cast<std::size_t>(last - first), false);
            std::vector<bool>::reference slot = seen[static_cast<std::size_t>(f.year - first - 1)];
            if (slot) fail({"years.index_series", id, "year"}, "duplicate factor for this year");
            slot = true;
            if (f.factor < min_factor || f.factor > max_factor)
                fail({"years.index_series", id, "factor"},
                     "\"" + f.factor.text() +
                         "\" is outside 0.5 to 2; a factor is a year's price level over the year "
                         "before (\"1.035\" for 3.5 %)");
        }
        std::unordered_set<std::string> used_categories, indexed;
        for (const auto& r : resources) used_categories.insert(r.category);
        for (const auto& c : years->indexation) {
            if (!used_categories.count(c.category))
                fail({"years.indexation", c.category, "category"},
                     "no resource has category '" + c.category + "'");
            if (!indexed.insert(c.category).second)
                fail({"years.indexation", c.category, "category"}, "duplicate category");
            const auto it = series.find(c.series);
            if (it == series.end())
                fail({"years.indexation", c.category, "series"},
                     "unknown index series '" + c.series + "'");
            for (int y = first + 1; y <= last; ++y)
                if (!it->second[static_cast<std::size_t>(y - first - 1)])
                    fail({"years.index_series", c.series, "year"},
                         "index series '" + c.series + "' has no factor for " + std::to_string(y) +
                             " (needed by category '" + c.category + "')");
        }
        std::unordered_set<std::string> planned;
        for (const auto& v : years->volumes) {
            const std::string id =
                detail::pair_id(v.goal, v.activity) + " in " + std::to_string(v.year);
            if (goals_->find(v.goal) < 0)
                fail({"years.volumes", id, "goal"}, "unknown goal '" + v.goal + "'");
            if (activities_->find(v.activity) < 0)
                fail({"years.volumes", id, "activity"}, "unknown activity '" + v.activity + "'");
            later_year(v.year, {"years.volumes", id, "year"});
            if (!(v.volume >= 0 && v.volume <= numeric_range::max_quantity))
                detail::check_quantity(v.volume, {"years.volumes", id, "volume"});
            if (!planned.insert(id).second)
                fail({"years.volumes", id, "year"}, "duplicate volume for this year");
        }
        check_balance_inputs(*years);
    }
    // The sluitend check's inputs: a known municipality (required with income), income lines of a
    // year of the estimate with a known kind and nature and an amount in whole minor units within
    // the money range, each (id, year) once; incidental activities known, each once.
    void check_balance_inputs(const multi_year& y) const {
        using detail::fail;
        if (!y.municipality.empty() && partners_->find(y.municipality) < 0)
            fail({"years", "", "municipality"}, "unknown partner '" + y.municipality + "'");
        if (y.municipality.empty() && !y.income.empty())
            fail({"years", "", "municipality"},
                 "income needs the municipality: the partner whose share of the costs the income "
                 "covers");
        std::unordered_set<std::string> lines;
        for (const auto& line : y.income) {
            const std::string id = line.id + "/" + std::to_string(line.year);
            if (line.id.empty()) fail({"years.income", id, "id"}, "empty id");
            if (line.year < y.budget_year || line.year > y.last_year)
                fail({"years.income", id, "year"},
                     std::to_string(line.year) + " is not a year of the estimate " +
                         std::to_string(y.budget_year) + "-" + std::to_string(y.last_year));
            if (line.kind != "general_grant" && line.kind != "levies" && line.kind != "other")
                fail({"years.income", id, "kind"},
                     "unknown kind '" + line.kind + "'; use general_grant, levies or other");
            if (line.nature != "structural" && line.nature != "incidental")
                fail({"years.income", id, "nature"},
                     "unknown nature '" + line.nature + "'; use structural or incidental");
            if (line.amount.scale() > currency_.minor_digits)
                fail({"years.income", id, "amount"},
                     "\"" + line.amount.text() + "\" has more than " +
                         std::to_string(currency_.minor_digits) + " decimals");
            detail::check_money_range(line.amount, currency_.minor_digits,
                                      {"years.income", id, "amount"});
            if (!lines.insert(id).second)
                fail({"years.income", id, "year"}, "duplicate income line for this year");
        }
        std::unordered_set<std::string> incidental;
        for (const auto& i : y.incidental) {
            if (activities_->find(i.activity) < 0)
                fail({"years.incidental", i.activity, "activity"},
                     "unknown activity '" + i.activity + "'");
            if (!incidental.insert(i.activity).second)
                fail({"years.incidental", i.activity, "activity"}, "duplicate activity");
        }
    }
    // c = C^T p, refusing a unit cost that overflows.
    static dense_vector unit_costs(const sparse_matrix& consumption, const dense_vector& prices,
                                   const id_index& activities) {
        dense_vector c = consumption.transpose() * prices;
        for (int a = 0; a < c.size(); ++a)
            if (!std::isfinite(c[a]))
                throw money_overflow(
                    {"activity", activities.ids()[static_cast<std::size_t>(a)], "unit_cost"},
                    "direct unit cost overflows");
        return c;
    }

    void link() {
        using detail::check_finite;
        using detail::check_non_negative;
        using detail::fail;
        const zbb::model& m = *src_.base;
        if (m.format != "zbb-model/1")
            fail({"model", "", "format"},
                 "unsupported format \"" + m.format + "\"; expected \"zbb-model/1\"");
        currency_ = currency_for(m.currency, m.minor_units);

        auto partners = std::make_shared<id_index>();
        auto goals = std::make_shared<id_index>();
        auto activities = std::make_shared<id_index>();
        auto resources = std::make_shared<id_index>();
        auto categories = std::make_shared<id_index>();
        partners_ = partners;
        goals_ = goals;
        activities_ = activities;
        resources_ = resources;
        categories_ = categories;
        partners->reserve(m.partners.size());
        goals->reserve(m.goals.size());
        activities->reserve(m.activities.size());
        resources->reserve(m.resources.size());
        for (const auto& p : m.partners) partners->add(p.id, "partner");
        link_areas(m.areas);
        auto programmes = std::make_shared<id_index>();
        for (const auto& p : m.programmes) programmes->add(p.id, "programme");
        programmes_ = programmes;
        for (const auto& g : m.goals) {
            goals->add(g.id, "goal");
            check_goal(g);
            if (!g.programme.empty() && programmes->find(g.programme) < 0)
                detail::fail({"goal", g.id, "programme"},
                             "unknown programme '" + g.programme + "'");
            if (g.programme.empty() && !m.programmes.empty())
                detail::fail({"goal", g.id, "programme"},
                             "missing: the model has programmes, and every goal belongs to one");
        }
        for (const auto& a : m.activities) {
            activities->add(a.id, "activity");
            check_activity(a);
        }
        const int na = activities->size();
        dense_vector baselines(goals->size());
        for (int g = 0; g < goals->size(); ++g)
            baselines[g] = m.goals[static_cast<std::size_t>(g)].baseline;
        dense_vector activity_min(na), activity_max(na);
        for (int a = 0; a < na; ++a) {
            const auto& act = m.activities[static_cast<std::size_t>(a)];
            activity_min[a] = act.min;
            activity_max[a] = act.max ? *act.max : std::numeric_limits<double>::infinity();
            has_levels_ = has_levels_ || !act.levels.empty();
        }
        dense_vector prices(static_cast<int>(m.resources.size()));
        dense_vector resource_available(static_cast<int>(m.resources.size()));
        std::vector<int> resource_category;
        resource_category.reserve(m.resources.size());
        for (std::size_t i = 0; i < m.resources.size(); ++i) {
            const auto& r = m.resources[i];
            resources->add(r.id, "resource");
            check_resource(r);
            prices[static_cast<int>(i)] = r.price.to_double();
            resource_available[static_cast<int>(i)] =
                r.available ? *r.available : std::numeric_limits<double>::infinity();
            int cat = categories->find(r.category);
            if (cat < 0) {
                cat = categories->size();
                categories->add(r.category, "category");
            }
            resource_category.push_back(cat);
        }
        baselines_ = std::make_shared<const dense_vector>(std::move(baselines));
        activity_min_ = std::make_shared<const dense_vector>(std::move(activity_min));
        activity_max_ = std::make_shared<const dense_vector>(std::move(activity_max));
        resource_available_ = std::make_shared<const dense_vector>(std::move(resource_available));
        resource_category_ = std::make_shared<const std::vector<int>>(std::move(resource_category));

        std::vector<Eigen::Triplet<double, int>> t;
        t.reserve(m.effects.size());
        recent_id effect_goal(*goals), effect_activity(*activities);
        for (const auto& e : m.effects) {
            const auto row = [&] { return detail::pair_id(e.goal, e.activity); };
            int g = effect_goal.at(e.goal, "effects", row, "goal");
            int a = effect_activity.at(e.activity, "effects", row, "activity");
            const double v = e.per_unit;
            if (!(std::fabs(v) <= numeric_range::max_coefficient &&
                  (v == 0 || std::fabs(v) >= numeric_range::min_coefficient)))
                detail::check_magnitude(v, numeric_range::min_coefficient,
                                        numeric_range::max_coefficient,
                                        {"effects", row(), "per_unit"});
            if (e.low || e.high)
                detail::check_coefficient_range("effects", row(), v, e.low, e.high, false);
            t.emplace_back(g, a, e.per_unit);
        }
        effects_ =
            shared_matrix(detail::build_unique(goals->size(), na, t, "effects", [&](int g, int a) {
                return detail::pair_id(goals->ids()[static_cast<std::size_t>(g)],
                                       activities->ids()[static_cast<std::size_t>(a)]);
            }));

        t.clear();
        t.reserve(m.consumption.size());
        recent_id consumer(*activities), consumed(*resources);
        for (const auto& c : m.consumption) {
            const auto row = [&] { return detail::pair_id(c.activity, c.resource); };
            int a = consumer.at(c.activity, "consumption", row, "activity");
            int r = consumed.at(c.resource, "consumption", row, "resource");
            check_non_negative(c.per_unit, [&] {
                return error_location{"consumption", row(), "per_unit"};
            });
            if (!(c.per_unit <= numeric_range::max_coefficient &&
                  (c.per_unit == 0 || c.per_unit >= numeric_range::min_coefficient)))
                detail::check_magnitude(c.per_unit, numeric_range::min_coefficient,
                                        numeric_range::max_coefficient,
                                        {"consumption", row(), "per_unit"});
            if (c.low || c.high)
                detail::check_coefficient_range("consumption", row(), c.per_unit, c.low, c.high,
                                                true);
            t.emplace_back(r, a, c.per_unit);
        }
        consumption_ = shared_matrix(
            detail::build_unique(resources->size(), na, t, "consumption", [&](int r, int a) {
                return detail::pair_id(activities->ids()[static_cast<std::size_t>(a)],
                                       resources->ids()[static_cast<std::size_t>(r)]);
            }));

        t.clear();
        t.reserve(m.support.size());
        recent_id supplier(*activities), served(*activities);
        for (const auto& s : m.support) {
            const auto row = [&] { return detail::pair_id(s.supplier, s.consumer); };
            int sup = supplier.at(s.supplier, "support", row, "supplier");
            int con = served.at(s.consumer, "support", row, "consumer");
            check_non_negative(s.per_unit, [&] {
                return error_location{"support", row(), "per_unit"};
            });
            if (!(s.per_unit <= numeric_range::max_coefficient &&
                  (s.per_unit == 0 || s.per_unit >= numeric_range::min_coefficient)))
                detail::check_magnitude(s.per_unit, numeric_range::min_coefficient,
                                        numeric_range::max_coefficient,
                                        {"support", row(), "per_unit"});
            if (s.low || s.high)
                detail::check_coefficient_range("support", row(), s.per_unit, s.low, s.high, true);
            t.emplace_back(sup, con, s.per_unit);
        }
        support_ = shared_matrix(detail::build_unique(na, na, t, "support", [&](int s, int c) {
            return detail::pair_id(activities->ids()[static_cast<std::size_t>(s)],
                                   activities->ids()[static_cast<std::size_t>(c)]);
        }));

        check_bbv_mapping(m.activities, m.resources);
        funding_shares_ = shared_matrix(link_funding(m.activities, m.funding));
        plan_ = shared_matrix(link_plan(m.plan));
        link_entity_areas(m.goals, m.activities);
        pair_area_ = link_pair_areas(m.plan);
        check_frame(m.frame);
        check_years(m.years, m.resources);

        link_packages();

        consumption_rows_ = std::make_shared<const row_major>(*consumption_);
        prices_ = std::make_shared<const dense_vector>(std::move(prices));
        direct_unit_costs_ =
            std::make_shared<const dense_vector>(unit_costs(*consumption_, *prices_, *activities));
        support_system_ =
            std::make_shared<const support_system>(support_, activities->ids(), options_.support);
    }

    // Once an activity or a resource names a BBV code, the model books on taakvelden: every
    // activity needs a taakveld except support activities (suppliers in "support", which default
    // to 0.4 Overhead), and every resource an economic category.
    void check_bbv_mapping(const std::vector<activity>& acts, const std::vector<resource>& res) {
        has_bbv_ = false;
        for (const auto& a : acts) has_bbv_ = has_bbv_ || !a.taakveld.empty();
        for (const auto& r : res) has_bbv_ = has_bbv_ || !r.economic_category.empty();
        if (!has_bbv_) return;
        const auto supplies = supplier_flags();
        for (std::size_t a = 0; a < acts.size(); ++a)
            if (acts[a].taakveld.empty() && !supplies[a])
                detail::fail({"activity", acts[a].id, "taakveld"},
                             "missing: the model books its activities on taakvelden (BBV), and "
                             "only support activities default to 0.4 Overhead");
        for (const auto& r : res)
            if (r.economic_category.empty())
                detail::fail({"resource", r.id, "economic_category"},
                             "missing: the model books on taakvelden (BBV), and every resource "
                             "needs its Iv3 economic category");
    }

  public:
    /// True when the model books on taakvelden (some activity has a "taakveld" or some resource
    /// an "economic_category"; zbb/bbv.hpp).
    bool has_bbv() const noexcept { return has_bbv_; }
    /// True when the model has programmes (a non-empty "programmes" table).
    bool has_programmes() const noexcept { return programmes_->size() > 0; }
    /// The programmes' ids in model order.
    const id_index& programmes() const noexcept { return *programmes_; }
    /// Per activity, whether it is a support activity: the supplier of some row of "support"
    /// (whatever its per_unit, so that a variant setting a coefficient to 0 keeps the activity's
    /// place in the BBV view).
    std::vector<char> supplier_flags() const {
        std::vector<char> out(static_cast<std::size_t>(activities_->size()), 0);
        for (const auto& s : *src_.support) {
            const int a = activities_->find(s.supplier);
            if (a >= 0) out[static_cast<std::size_t>(a)] = 1;
        }
        return out;
    }

  private:
    // The index of area `id` among the model's areas; throws model_error at `where` when unknown
    // (the "(no area)" key is no area a row can name).
    int area_index(const std::string& id, const error_location& where) const {
        const int k = areas_->find(id);
        if (k < 0 || k >= static_cast<int>(src_.areas->size()))
            detail::fail(where, "unknown area '" + id + "'");
        return k;
    }
    static std::uint64_t pair_key(int a, int g) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) |
               static_cast<std::uint32_t>(g);
    }
    // Areas: unique ids, "(no area)" reserved, known parents, no circle of parents.
    void link_areas(const std::vector<zbb::area>& areas) {
        using detail::fail;
        auto index = std::make_shared<id_index>();
        index->reserve(areas.size() + 1);
        for (const auto& ar : areas) {
            if (ar.id == no_area_key)
                fail({"area", ar.id, "id"},
                     std::string("is reserved: '") + no_area_key +
                         "' is the key of plan entries that belong to no area");
            index->add(ar.id, "area");
        }
        std::vector<int> parent(areas.size(), -1);
        for (std::size_t k = 0; k < areas.size(); ++k) {
            const auto& ar = areas[k];
            if (ar.parent.empty()) continue;
            const int p = index->find(ar.parent);
            if (p < 0) fail({"area", ar.id, "parent"}, "unknown area '" + ar.parent + "'");
            parent[k] = p;
        }
        // Circles of parents, in linear time: walk up from each area not yet seen; meeting an area
        // of the current walk closes a circle, named from that area.
        std::vector<char> state(areas.size(), 0);  // 0 unseen, 1 on the current walk, 2 done
        std::vector<int> walk;
        for (std::size_t k = 0; k < areas.size(); ++k) {
            walk.clear();
            int at = static_cast<int>(k);
            while (at >= 0 && state[static_cast<std::size_t>(at)] == 0) {
                state[static_cast<std::size_t>(at)] = 1;
                walk.push_back(at);
                at = parent[static_cast<std::size_t>(at)];
            }
            if (at >= 0 && state[static_cast<std::size_t>(at)] == 1) {
                const auto& first = areas[static_cast<std::size_t>(at)];
                std::string chain = first.id;
                for (int p = parent[static_cast<std::size_t>(at)];;
                     p = parent[static_cast<std::size_t>(p)]) {
                    chain += " -> " + areas[static_cast<std::size_t>(p)].id;
                    if (p == at) break;
                }
                fail({"area", first.id, "parent"}, "areas nest in a circle: " + chain);
            }
            for (int w : walk) state[static_cast<std::size_t>(w)] = 2;
        }
        areas_ = index;
        area_parent_ = std::make_shared<const std::vector<int>>(std::move(parent));
    }
    // The areas of goals and activities (checked: known areas); "(no area)" joins the keys when
    // some activity and some goal both lack an area.
    void link_entity_areas(const std::vector<goal>& goals, const std::vector<activity>& acts) {
        std::vector<int> goal_area(goals.size(), -1), activity_area(acts.size(), -1);
        bool goal_without = false, activity_without = false;
        for (std::size_t g = 0; g < goals.size(); ++g) {
            if (goals[g].area.empty()) {
                goal_without = true;
                continue;
            }
            goal_area[g] = area_index(goals[g].area, {"goal", goals[g].id, "area"});
        }
        for (std::size_t a = 0; a < acts.size(); ++a) {
            if (acts[a].area.empty()) {
                activity_without = true;
                continue;
            }
            activity_area[a] = area_index(acts[a].area, {"activity", acts[a].id, "area"});
        }
        if (!src_.areas->empty() && goal_without && activity_without) {
            auto keys = std::make_shared<id_index>(*areas_);
            keys->add(no_area_key, "area");
            areas_ = keys;
        }
        goal_area_ = std::make_shared<const std::vector<int>>(std::move(goal_area));
        activity_area_ = std::make_shared<const std::vector<int>>(std::move(activity_area));
    }
    // The areas that plan rows name for their (goal, activity) pair (ids already checked by
    // link_plan).
    std::shared_ptr<const std::unordered_map<std::uint64_t, int>> link_pair_areas(
        const zbb::plan& p) const {
        auto out = std::make_shared<std::unordered_map<std::uint64_t, int>>();
        for (const auto& r : p.rows) {
            if (r.area.empty()) continue;
            const int a = activities_->find(r.activity), g = goals_->find(r.goal);
            (*out)[pair_key(a, g)] = areas_->find(r.area);
        }
        return out;
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
            if (l.up_to > numeric_range::max_quantity)
                fail({"activity", a.id, "levels"},
                     nth + ": up_to " + detail::range_number(l.up_to) +
                         " is beyond the numeric range: at most " +
                         detail::short_number(numeric_range::max_quantity));
            const double effect = l.effect.to_double();
            if (effect > numeric_range::max_coefficient ||
                (effect != 0 && effect < numeric_range::min_coefficient))
                fail({"activity", a.id, "levels"},
                     nth + ": effect " + l.effect.text() +
                         " is beyond the numeric range: 0 or between " +
                         detail::short_number(numeric_range::min_coefficient) + " and " +
                         detail::short_number(numeric_range::max_coefficient));
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
        for (const auto& p : *src_.packages) {
            const std::string id = package_id(p);
            if (p.unit.empty()) fail({"packages", id, "unit"}, "empty decision unit");
            if (p.priority) detail::check_indicator(*p.priority, {"packages", id, "priority"});
            std::unordered_set<std::string> seen;
            for (const auto& v : p.volumes) {
                if (activities_->find(v.activity) < 0)
                    fail({"packages", id, "volumes"}, "unknown activity '" + v.activity + "'");
                if (!seen.insert(v.activity).second)
                    fail({"packages", id, "volumes"},
                         "activity '" + v.activity + "' appears twice");
                detail::check_quantity(v.volume, {"packages", id, "volumes"});
            }
            auto& lv = levels_of[p.unit];
            if (std::find(lv.begin(), lv.end(), p.level) != lv.end())
                fail({"packages", id, "level"}, "duplicate package: unit '" + p.unit +
                                                    "' has level " + std::to_string(p.level) +
                                                    " twice");
            lv.push_back(p.level);
        }
        for (const auto& p : *src_.packages) {
            auto lv = levels_of[p.unit];
            std::sort(lv.begin(), lv.end());
            for (std::size_t k = 0; k < lv.size(); ++k)
                if (lv[k] != static_cast<int>(k) + 1)
                    fail({"packages", package_id(p.unit, lv[k]), "level"},
                         "unit '" + p.unit + "' has level " + std::to_string(lv[k]) +
                             " but no level " + std::to_string(k + 1) +
                             " (levels run 1, 2, ... without gaps)");
        }
    }

    // The funding shares F of `funding` (rows of the activities `acts`), checked: known ids, no
    // duplicates, shares of each activity summing exactly to 1, the executing partner paying for
    // an activity without rows.
    sparse_matrix link_funding(const std::vector<activity>& acts,
                               const std::vector<funding_row>& funding) const {
        const auto& activities = *activities_;
        const auto& partners = *partners_;
        const int na = activities.size();
        // Exact check that shares sum to 1: sum the decimals at the largest scale used. The rows
        // of each activity are found through a counting sort (first[a] .. first[a + 1]).
        const decimal one = decimal::parse("1", {});
        std::vector<int> row_activity(funding.size());
        std::vector<std::size_t> first(static_cast<std::size_t>(na) + 1, 0);
        std::vector<Eigen::Triplet<double, int>> t;
        t.reserve(funding.size() + static_cast<std::size_t>(na));
        recent_id funded(activities), funder(partners);
        for (std::size_t i = 0; i < funding.size(); ++i) {
            const auto& f = funding[i];
            const auto row = [&] { return detail::pair_id(f.activity, f.partner); };
            int a = funded.at(f.activity, "funding", row, "activity");
            int p = funder.at(f.partner, "funding", row, "partner");
            if (f.share > one)
                detail::fail({"funding", row(), "share"}, "share " + f.share.text() + " exceeds 1");
            row_activity[i] = a;
            ++first[static_cast<std::size_t>(a) + 1];
            t.emplace_back(p, a, f.share.to_double());
        }
        for (std::size_t a = 0; a < static_cast<std::size_t>(na); ++a) first[a + 1] += first[a];
        std::vector<std::size_t> rows_in_order(funding.size());
        {
            std::vector<std::size_t> next(first.begin(), first.end() - 1);
            for (std::size_t i = 0; i < funding.size(); ++i)
                rows_in_order[next[static_cast<std::size_t>(row_activity[i])]++] = i;
        }
        auto name_row = [&](int p, int a) {
            return detail::pair_id(activities.ids()[static_cast<std::size_t>(a)],
                                   partners.ids()[static_cast<std::size_t>(p)]);
        };
        detail::build_unique(partners.size(), na, t, "funding", name_row);  // duplicates first
        for (int a = 0; a < na; ++a) {
            const auto& act = acts[static_cast<std::size_t>(a)];
            const std::span<const std::size_t> rows(
                rows_in_order.data() + first[static_cast<std::size_t>(a)],
                first[static_cast<std::size_t>(a) + 1] - first[static_cast<std::size_t>(a)]);
            if (rows.empty()) {
                if (act.partner.empty())
                    detail::fail({"activity", act.id, "partner"},
                                 "nobody pays for this activity: it has no funding rows and no "
                                 "executing partner");
                t.emplace_back(partners.find(act.partner), a, 1.0);
                continue;
            }
            int scale = 0;
            for (auto i : rows) scale = std::max(scale, funding[i].share.scale());
            if (rows.size() == 1 && funding[rows[0]].share == one) continue;
            int128 sum = 0;
            for (auto i : rows) sum += funding[i].share.units_at_scale(scale);
            if (sum != one.units_at_scale(scale))
                detail::fail({"funding", act.id, "share"},
                             "funding shares of activity '" + act.id + "' sum to " +
                                 money::from_minor(sum).to_string(scale) + ", not exactly 1");
        }
        return detail::build_unique(partners.size(), na, t, "funding", name_row);
    }

    source_parts src_;
    std::shared_ptr<assembled_source> assembled_;
    link_options options_;
    zbb::currency currency_;
    shared<id_index> goals_, activities_, resources_, partners_, categories_;
    shared<id_index> areas_ = std::make_shared<const id_index>();
    shared<std::vector<int>> area_parent_, goal_area_, activity_area_;
    shared<std::unordered_map<std::uint64_t, int>> pair_area_;
    shared<sparse_matrix> effects_, consumption_, funding_shares_, plan_;
    shared<sparse_matrix> support_ = std::make_shared<const sparse_matrix>();
    shared<row_major> consumption_rows_;
    shared<dense_vector> prices_, direct_unit_costs_;
    shared<dense_vector> baselines_, activity_min_, activity_max_, resource_available_;
    bool has_levels_ = false;
    bool has_bbv_ = false;
    shared<id_index> programmes_ = std::make_shared<const id_index>();
    shared<std::vector<int>> resource_category_;
    shared<support_system> support_system_;
};

}  // namespace zbb
