// bindings/model_edits.hpp - copies of a model with one change, for scenarios ("raise one target,
// change a price"). The copy is validated again; the original is never modified.
#pragma once

#include <algorithm>
#include <string>

#include "zbb/linked_model.hpp"

namespace zbb_py {

/// The model with goal `goal`'s target set to `target`.
inline zbb::model with_goal_target(const zbb::linked_model& lm, const std::string& goal,
                                   double target) {
    zbb::model m = lm.source();
    const int g = lm.goals().find(goal);
    if (g < 0) zbb::detail::fail({"goal", goal, "id"}, "unknown goal");
    m.goals[static_cast<std::size_t>(g)].target = target;
    return m;
}

/// The model with resource `resource`'s price set to the exact decimal `price`.
inline zbb::model with_resource_price(const zbb::linked_model& lm, const std::string& resource,
                                      const std::string& price) {
    zbb::model m = lm.source();
    const int r = lm.resources().find(resource);
    if (r < 0) zbb::detail::fail({"resource", resource, "id"}, "unknown resource");
    m.resources[static_cast<std::size_t>(r)].price =
        zbb::decimal::parse(price, {"resource", resource, "price"});
    return m;
}

/// The model with the plan volume of (goal, activity) set to `volume`; the row is added at the end
/// of the plan when the model has none for that pair.
inline zbb::model with_plan_volume(const zbb::linked_model& lm, const std::string& goal,
                                   const std::string& activity, double volume) {
    zbb::model m = lm.source();
    auto& rows = m.plan.rows;
    auto it = std::find_if(rows.begin(), rows.end(), [&](const zbb::plan_row& r) {
        return r.goal == goal && r.activity == activity;
    });
    if (it != rows.end())
        it->volume = volume;
    else
        rows.push_back({goal, activity, volume});
    return m;
}

/// The model with its plan replaced.
inline zbb::model with_plan(const zbb::linked_model& lm, zbb::plan plan) {
    zbb::model m = lm.source();
    m.plan = std::move(plan);
    return m;
}

}  // namespace zbb_py
