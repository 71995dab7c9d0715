// zbb/levels.hpp - one definition of levels of diminishing returns (docs/optimize.md, "Levels"):
// the effective volume of an activity's total volume and the last level acting as a max. Used by
// linked_model::effective_volumes (budgets, projections) and by the decision packages.
#pragma once

#include <algorithm>

#include "zbb/model.hpp"

namespace zbb {

/// True when `volume` goes beyond the last level's up_to of an activity with levels (relative
/// tolerance 1e-9, as the solver's volumes carry rounding); false for an activity without levels.
inline bool beyond_last_level(const activity& a, double volume) {
    if (a.levels.empty()) return false;
    const double last = a.levels.back().up_to;
    return volume > last * (1 + 1e-9) + 1e-9;
}

/// The effective volume of `volume` units of activity `a`: the levels filled in order, the first
/// up_to units at the first level's effect, the next at the second's, ...; `volume` itself for an
/// activity without levels. Units beyond the last level count for nothing (callers refuse them
/// first with beyond_last_level).
inline double effective_volume(const activity& a, double volume) {
    if (a.levels.empty()) return volume;
    double from = 0, effective = 0;
    for (const auto& l : a.levels) {
        effective += l.effect.to_double() * std::clamp(volume - from, 0.0, l.up_to - from);
        from = l.up_to;
    }
    return effective;
}

}  // namespace zbb
