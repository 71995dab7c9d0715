// zbb/scenario.hpp - scenario edits: a linked model with one change ("raise one target, change a
// price"), returned as a new linked_model that shares with the original every part it does not
// change. The original is never modified.
//
// Each edit checks its value exactly as linking checks it (the same messages, the numeric range
// policy of zbb/numeric_range.hpp), so an edit never makes a model that linking would refuse, and
// an edited model computes the same budget, to the cent, as the same model linked from scratch.
//
// What an edit shares and what it recomputes (n = activities, nnz = non-zeros of a matrix):
//
// | edit                      | copies (source part)  | recomputes                      | relinks |
// |---------------------------|-----------------------|---------------------------------|---------|
// | with_goal_target, _weight | the goals table       | nothing                         | nothing |
// | with_resource_price       | the resources table   | prices, c = C^T p (nnz of C)    | nothing |
// | with_resource_available   | the resources table   | the availability vector         | nothing |
// | with_activity_bounds      | the activities table  | the min and max vectors         | nothing |
// | with_plan_volume          | the plan rows         | one entry of the plan matrix D  | nothing |
// | with_plan                 | (the new plan)        | D from the new rows             | D       |
// | with_funding_shares       | the funding rows      | F from all funding rows         | F       |
// | with_frame                | (the new frame)       | nothing                         | nothing |
// | with_years                | (the new estimate)    | nothing                         | nothing |
// | with_resource_prices      | the resources table   | prices, c = C^T p (nnz of C)    | nothing |
//
// Every edit shares the id indexes, the effects, consumption and support matrices and the support
// factorisation with the original; only with_funding_shares and with_plan rebuild a matrix. The
// source() of an edited model is assembled from the shared parts on its first call (a copy of
// every table); linked_model::view() reads them in place.
#pragma once

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zbb/decimal.hpp"
#include "zbb/error.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/model.hpp"
#include "zbb/numeric_range.hpp"

namespace zbb {

/// One partner's exact share of an activity's own cost (with_funding_shares).
struct partner_share {
    std::string partner;
    decimal share;
};

namespace detail {
// The edits, with access to linked_model's parts.
struct model_editor {
    template <class T>
    static std::shared_ptr<const T> share(T v) {
        return std::make_shared<const T>(std::move(v));
    }
    // Eigen 3.4's SparseMatrix has no move constructor: swap instead of copying the matrix.
    static std::shared_ptr<const sparse_matrix> share(sparse_matrix& m) {
        auto p = std::make_shared<sparse_matrix>();
        p->swap(m);
        return p;
    }
    static std::size_t index_of(const id_index& ids, const std::string& id, const char* entity) {
        const int i = ids.find(id);
        if (i < 0) fail({entity, id, "id"}, std::string("unknown ") + entity);
        return static_cast<std::size_t>(i);
    }

    template <class Change>
    static linked_model goal(const linked_model& lm, const std::string& id, Change&& change) {
        const std::size_t g = index_of(*lm.goals_, id, "goal");
        auto goals = *lm.src_.goals;
        change(goals[g]);
        linked_model::check_goal(goals[g]);
        linked_model out = lm;
        out.src_.goals = share(std::move(goals));
        out.parts_changed();
        return out;
    }

    template <class Change>
    static std::pair<linked_model, std::size_t> resource(const linked_model& lm,
                                                         const std::string& id, Change&& change) {
        const std::size_t r = index_of(*lm.resources_, id, "resource");
        auto resources = *lm.src_.resources;
        change(resources[r]);
        lm.check_resource(resources[r]);
        linked_model out = lm;
        out.src_.resources = share(std::move(resources));
        out.parts_changed();
        return {std::move(out), r};
    }

    static linked_model price(const linked_model& lm, const std::string& id, const decimal& p) {
        auto [out, r] = resource(lm, id, [&](zbb::resource& res) { res.price = p; });
        dense_vector prices = *lm.prices_;
        prices[static_cast<Eigen::Index>(r)] = p.to_double();
        out.prices_ = share(std::move(prices));
        out.direct_unit_costs_ =
            share(linked_model::unit_costs(*lm.consumption_, *out.prices_, *lm.activities_));
        return std::move(out);
    }

    // Every resource's prices replaced at once (ids, units and categories unchanged): one pass
    // over C for the unit costs.
    static linked_model all_prices(const linked_model& lm, std::vector<zbb::resource> resources) {
        if (resources.size() != lm.src_.resources->size())
            throw std::invalid_argument("zbb: with_resource_prices needs every resource");
        dense_vector prices(static_cast<Eigen::Index>(resources.size()));
        for (std::size_t r = 0; r < resources.size(); ++r) {
            const zbb::resource& was = (*lm.src_.resources)[r];
            if (resources[r].id != was.id || resources[r].category != was.category ||
                resources[r].unit != was.unit || resources[r].available != was.available)
                throw std::invalid_argument(
                    "zbb: with_resource_prices changes prices only: it keeps the resources' ids, "
                    "units, categories and availability");
            lm.check_resource(resources[r]);
            prices[static_cast<Eigen::Index>(r)] = resources[r].price.to_double();
        }
        linked_model out = lm;
        out.src_.resources = share(std::move(resources));
        out.prices_ = share(std::move(prices));
        out.direct_unit_costs_ =
            share(linked_model::unit_costs(*lm.consumption_, *out.prices_, *lm.activities_));
        out.parts_changed();
        return out;
    }

    static linked_model available(const linked_model& lm, const std::string& id,
                                  std::optional<double> units) {
        auto [out, r] = resource(lm, id, [&](zbb::resource& res) { res.available = units; });
        dense_vector available = *lm.resource_available_;
        available[static_cast<Eigen::Index>(r)] =
            units ? *units : std::numeric_limits<double>::infinity();
        out.resource_available_ = share(std::move(available));
        return std::move(out);
    }

    static linked_model bounds(const linked_model& lm, const std::string& id, double min,
                               std::optional<double> max) {
        const std::size_t a = index_of(*lm.activities_, id, "activity");
        auto activities = *lm.src_.activities;
        activities[a].min = min;
        activities[a].max = max;
        lm.check_activity(activities[a]);
        dense_vector lo = *lm.activity_min_, hi = *lm.activity_max_;
        lo[static_cast<Eigen::Index>(a)] = min;
        hi[static_cast<Eigen::Index>(a)] = max ? *max : std::numeric_limits<double>::infinity();
        linked_model out = lm;
        out.src_.activities = share(std::move(activities));
        out.activity_min_ = share(std::move(lo));
        out.activity_max_ = share(std::move(hi));
        out.parts_changed();
        return out;
    }

    static linked_model plan_volume(const linked_model& lm, const std::string& goal,
                                    const std::string& activity, double volume) {
        const auto row = [&] { return pair_id(goal, activity); };
        const int g = lm.goals_->at(goal, "plan", row, "goal");
        const int a = lm.activities_->at(activity, "plan", row, "activity");
        if (!(volume >= 0 && volume <= numeric_range::max_quantity))
            check_quantity(volume, {"plan", row(), "volume"});
        zbb::plan plan = *lm.src_.plan;
        auto it = std::find_if(plan.rows.begin(), plan.rows.end(), [&](const plan_row& r) {
            return r.goal == goal && r.activity == activity;
        });
        if (it != plan.rows.end())
            it->volume = volume;
        else
            plan.rows.push_back({goal, activity, volume});
        // D changes in one entry; a zero volume is no entry, as linking prunes it.
        sparse_matrix d = *lm.plan_;
        if (volume != 0) {
            d.coeffRef(a, g) = volume;
        } else if (d.coeff(a, g) != 0) {
            d.coeffRef(a, g) = 0;
            d.prune(0.0);
        }
        d.makeCompressed();
        linked_model out = lm;
        out.src_.plan = share(std::move(plan));
        out.plan_ = share(d);
        out.parts_changed();
        return out;
    }

    static linked_model whole_plan(const linked_model& lm, zbb::plan plan) {
        auto d = lm.link_plan(plan);
        linked_model out = lm;
        out.pair_area_ = lm.link_pair_areas(plan);
        out.src_.plan = share(std::move(plan));
        out.plan_ = share(d);
        out.parts_changed();
        return out;
    }

    static linked_model funding_shares(const linked_model& lm, const std::string& activity,
                                       const std::vector<partner_share>& shares) {
        index_of(*lm.activities_, activity, "activity");
        const auto& old = *lm.src_.funding;
        std::vector<funding_row> rows;
        rows.reserve(old.size() + shares.size());
        bool placed = false;
        auto place = [&] {
            for (const auto& s : shares) rows.push_back({activity, s.partner, s.share});
            placed = true;
        };
        for (const auto& f : old) {
            if (f.activity != activity) {
                rows.push_back(f);
            } else if (!placed) {
                place();
            }
        }
        if (!placed) place();
        auto f = lm.link_funding(*lm.src_.activities, rows);
        linked_model out = lm;
        out.src_.funding = share(std::move(rows));
        out.funding_shares_ = share(f);
        out.parts_changed();
        return out;
    }

    static linked_model frame(const linked_model& lm, std::optional<financial_frame> frame) {
        lm.check_frame(frame);
        linked_model out = lm;
        out.src_.frame = share(std::move(frame));
        out.parts_changed();
        return out;
    }

    static linked_model years(const linked_model& lm, std::optional<multi_year> years) {
        lm.check_years(years, *lm.src_.resources);
        linked_model out = lm;
        out.src_.years = share(std::move(years));
        out.parts_changed();
        return out;
    }
};
}  // namespace detail

/// The model with goal `goal`'s target set to `target`. Shares everything but the goals table.
/// Throws model_error: an unknown goal (entity "goal", field "id"), a target that is not finite or
/// beyond the numeric range (field "target").
inline linked_model with_goal_target(const linked_model& lm, const std::string& goal,
                                     double target) {
    return detail::model_editor::goal(lm, goal, [&](zbb::goal& g) { g.target = target; });
}

/// The model with goal `goal`'s weight set to `weight` (0, or within the numeric range of
/// weights). Shares everything but the goals table. Throws model_error as with_goal_target
/// (field "weight").
inline linked_model with_goal_weight(const linked_model& lm, const std::string& goal,
                                     double weight) {
    return detail::model_editor::goal(lm, goal, [&](zbb::goal& g) { g.weight = weight; });
}

/// The model with resource `resource`'s unit price set to the exact decimal `price`. Recomputes
/// the prices and the direct unit costs c = C^T p; shares every matrix and the factorisation.
/// Throws model_error for an unknown resource (entity "resource", field "id"), money_overflow for
/// a price of 2^53 minor units or more (field "price") or a unit cost that overflows.
inline linked_model with_resource_price(const linked_model& lm, const std::string& resource,
                                        const decimal& price) {
    return detail::model_editor::price(lm, resource, price);
}

/// As with_resource_price, the price given as exact decimal text ("78.40"), never parsed through
/// a double; malformed text throws model_error (entity "resource", the id, field "price").
inline linked_model with_resource_price(const linked_model& lm, const std::string& resource,
                                        std::string_view price) {
    detail::model_editor::index_of(lm.resources(), resource, "resource");
    return with_resource_price(lm, resource,
                               decimal::parse(price, {"resource", resource, "price"}));
}

/// The model with every resource's prices (price, price_low, price_high) taken from `resources`,
/// which holds the model's resources in their order with the same ids, units, categories and
/// availability (std::invalid_argument otherwise; the
/// multi-year estimate's indexed prices, zbb/years.hpp). Each is checked as with_resource_price;
/// the unit costs are recomputed in one pass; every matrix and the factorisation are shared.
inline linked_model with_resource_prices(const linked_model& lm,
                                         std::vector<zbb::resource> resources) {
    return detail::model_editor::all_prices(lm, std::move(resources));
}

/// The model with resource `resource`'s availability set to `units` (std::nullopt: unlimited).
/// Throws model_error for an unknown resource or a quantity out of range (field "available").
inline linked_model with_resource_available(const linked_model& lm, const std::string& resource,
                                            std::optional<double> units) {
    return detail::model_editor::available(lm, resource, units);
}

/// The model with activity `activity`'s bounds set to `min` and `max` (std::nullopt: no upper
/// bound). Throws model_error for an unknown activity (field "id"), a bound out of range (field
/// "min" or "max"), max below min (field "max") or min beyond the last level's up_to ("levels").
inline linked_model with_activity_bounds(const linked_model& lm, const std::string& activity,
                                         double min, std::optional<double> max) {
    return detail::model_editor::bounds(lm, activity, min, max);
}

/// The model with the plan volume of (goal, activity) set to `volume`. The row keeps its place in
/// the plan; a pair without a row gets one at the end. A volume of 0 keeps (or adds) the row with
/// volume 0, which is no entry of the linked plan D, as when linking. Changes one entry of D and
/// shares everything else. Throws model_error as linking a plan row does: entity "plan", id
/// "goal -> activity", field "goal" or "activity" for an unknown id, "volume" for a volume out of
/// range.
inline linked_model with_plan_volume(const linked_model& lm, const std::string& goal,
                                     const std::string& activity, double volume) {
    return detail::model_editor::plan_volume(lm, goal, activity, volume);
}

/// The model with its plan replaced by `plan` (validated as when linking; relinks D only).
inline linked_model with_plan(const linked_model& lm, zbb::plan plan) {
    return detail::model_editor::whole_plan(lm, std::move(plan));
}

/// The model with the funding rows of activity `activity` replaced by `shares` (partner, exact
/// share), in their order, at the place of the activity's first funding row (at the end when it
/// had none). No shares: the executing partner pays the whole cost. Checked as when linking: known
/// partners (entity "funding", id "activity -> partner", field "partner"), no partner twice, no
/// share above 1, shares summing exactly to 1 (entity "funding", the activity's id, field
/// "share"). Rebuilds the funding matrix F from all funding rows; shares everything else.
/// Throws model_error for an unknown activity (entity "activity", field "id").
inline linked_model with_funding_shares(const linked_model& lm, const std::string& activity,
                                        const std::vector<partner_share>& shares) {
    return detail::model_editor::funding_shares(lm, activity, shares);
}

/// The model with its financial frame replaced by `frame` (std::nullopt removes it). Checked as
/// when linking: known partners, no partner capped twice (entity "frame.partner_caps", field
/// "partner"), known areas, no area capped twice (entity "frame.area_caps", field "area"), budget
/// and caps below 2^53 minor units (money_overflow, field "budget" or "cap").
/// Only the optimiser reads the frame; nothing is recomputed.
inline linked_model with_frame(const linked_model& lm, std::optional<financial_frame> frame) {
    return detail::model_editor::frame(lm, std::move(frame));
}

/// The model with its multi-year estimate replaced by `years` (std::nullopt removes it: a model of
/// one year). Checked as when linking (entities "years", "years.index_series", "years.indexation",
/// "years.volumes"). Only the multi-year estimate reads it; nothing is recomputed.
inline linked_model with_years(const linked_model& lm, std::optional<multi_year> years) {
    return detail::model_editor::years(lm, std::move(years));
}

}  // namespace zbb
