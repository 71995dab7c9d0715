// zbb/goals.hpp - the one definition of a goal's direction, gap and whether it is reached, used by
// every report, the optimiser, the decision packages and (through zbb._core) Python.
#pragma once

#include <algorithm>
#include <cmath>

#include "zbb/model.hpp"

namespace zbb {

/// A goal is reached when its projected indicator is within goal_tolerance x max(1, |target|) of
/// the target, or beyond it in the goal's direction. Relative, so that a plan the optimiser
/// reports as reaching a target (solver tolerances about 1e-7) is reported as reached by the
/// budget too.
inline constexpr double goal_tolerance = 1e-7;

/// +1 when the indicator should rise (target >= baseline), -1 when it should fall.
inline double goal_direction(double baseline, double target) {
    return target >= baseline ? 1.0 : -1.0;
}
/// |target - baseline|: how far the goal asks the indicator to move.
inline double goal_gap(double baseline, double target) {
    return std::fabs(target - baseline);
}

/// Where a projected indicator stands against its goal.
struct goal_progress {
    double progress = 0;   ///< movement in the goal's direction: direction x (projected - baseline)
    double shortfall = 0;  ///< indicator units still missing; 0 when reached
    double attainment = 0;  ///< progress / gap clamped to [0, 1]; 1 when reached
    bool reached = false;
};

inline goal_progress progress_toward(double baseline, double target, double projected) {
    const double direction = goal_direction(baseline, target), gap = goal_gap(baseline, target);
    goal_progress p;
    p.progress = direction * (projected - baseline);
    p.reached = p.progress >= gap - goal_tolerance * std::max(1.0, std::fabs(target));
    p.shortfall = p.reached ? 0.0 : gap - p.progress;
    p.attainment = p.reached ? 1.0 : (gap == 0.0 ? 0.0 : std::clamp(p.progress / gap, 0.0, 1.0));
    return p;
}
inline goal_progress progress_toward(const goal& g, double projected) {
    return progress_toward(g.baseline, g.target, projected);
}

}  // namespace zbb
