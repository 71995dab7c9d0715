// zbb/model.hpp - the domain model as the user writes it: entities and link rows with string ids.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "zbb/decimal.hpp"

namespace zbb {

/// A societal effect the municipality wants: an indicator with a baseline and a target.
/// The target may lie below the baseline (an indicator that should go down).
struct goal {
    std::string id;
    std::string name;
    std::string unit;     ///< unit of the indicator ("people", "%")
    double baseline = 0;  ///< current value of the indicator (nulmeting)
    double target = 0;    ///< wanted value (streefwaarde)
    double weight = 1;    ///< relative importance, >= 0
    std::string area{};   ///< the area the goal concerns (optional, an id of model::areas)
    /// The programme of the programme budget the goal belongs to (optional, an id of
    /// model::programmes; required for every goal once the model has programmes).
    std::string programme{};
};

/// One level of diminishing returns of an activity: the units from the previous level's up_to
/// (0 for the first) up to `up_to` count with `effect` times the activity's effects.
struct activity_level {
    double up_to = 0;  ///< cumulative total volume where this level ends (> the previous up_to)
    decimal effect;    ///< multiplier of the activity's effects, e.g. "0.6"; non-increasing
};

/// Work that produces effects (or, for support activities, serves other activities).
struct activity {
    std::string id;
    std::string name;
    std::string unit;           ///< output unit ("client-year", "session")
    std::string partner;        ///< executing partner; pays when the activity has no funding rows
    double min = 0;             ///< lower bound on the total volume
    std::optional<double> max;  ///< upper bound on the total volume; none = unbounded
    /// Diminishing returns (optional): empty = every unit at full effect. With levels, the total
    /// volume may not exceed the last level's up_to (docs/optimize.md, "Levels").
    std::vector<activity_level> levels;
    /// The area (district, neighbourhood) where the activity is carried out (optional, an id of
    /// model::areas). Its plan volumes count in this area unless the plan row names another.
    std::string area{};
    /// The BBV taakveld (task field, "6.1") the activity's own costs are booked on (zbb/bbv.hpp,
    /// docs/bbv.md). Optional; once a model books on taakvelden every activity needs one, except
    /// support activities, which default to "0.4" (Overhead).
    std::string taakveld{};
};

/// Something activities consume, bought at an exact unit price.
struct resource {
    std::string id;
    std::string name;
    std::string unit;                 ///< "hour", "m2-year"
    decimal price;                    ///< exact price per unit, in the model's currency
    std::string category = "other";   ///< cost category ("personnel", "accommodation", ...)
    std::optional<double> available;  ///< units available, none = unlimited
    /// How sure the price is (optional, both or neither): price_low <= price <= price_high, the
    /// price the likely value (docs/model-format.md, "Ranges").
    std::optional<decimal> price_low{}, price_high{};
    /// The Iv3 economic category (economische categorie, "1.1") of the resource's costs in the
    /// BBV view (optional; required for every resource once the model books on taakvelden).
    std::string economic_category{};
};

/// An area: a district or neighbourhood, optionally inside another area (a neighbourhood in its
/// district). Budgets are cut by area when a model has areas (zbb/areas.hpp, docs/areas.md).
struct area {
    std::string id;
    std::string name;
    std::string parent;  ///< the enclosing area's id, "" for a top-level area
};

/// A programme of the programme budget (programmabegroting): a group of goals that answers the
/// three W-questions together (zbb/bbv.hpp, docs/bbv.md).
struct programme {
    std::string id;
    std::string name;
};

/// A party that executes or funds activities.
struct partner {
    std::string id;
    std::string name;
};

/// effects: change of the goal's indicator per unit of the activity.
struct effect_row {
    std::string goal;
    std::string activity;
    double per_unit = 0;          ///< the likely value
    std::optional<double> low{};  ///< range (optional, both or neither): low <= per_unit <= high
    std::optional<double> high{};
};

/// consumption: units of the resource per unit of the activity.
struct consumption_row {
    std::string activity;
    std::string resource;
    double per_unit = 0;  ///< the likely value
    std::optional<double>
        low{};  ///< range (optional, both or neither): 0 <= low <= per_unit <= high
    std::optional<double> high{};
};

/// support: units of the supplier (support) activity per unit of the consumer activity.
struct support_row {
    std::string supplier;
    std::string consumer;
    double per_unit = 0;  ///< the likely value
    std::optional<double>
        low{};  ///< range (optional, both or neither): 0 <= low <= per_unit <= high
    std::optional<double> high{};
};

/// funding: the partner's exact share of the activity's own cost; shares of one activity sum to 1.
struct funding_row {
    std::string activity;
    std::string partner;
    decimal share;
};

/// plan: the direct volume of an activity that a goal needs.
struct plan_row {
    std::string goal;
    std::string activity;
    double volume = 0;
    /// The area this volume serves (optional): overrides the activity's and the goal's area for
    /// the pair (goal, activity).
    std::string area{};
};

/// A bottom-up plan: per goal, the volumes of the activities it needs.
struct plan {
    std::vector<plan_row> rows;
};

/// A cap on what one partner pays (the partner's part of F (c o x), see docs/concepts.md).
struct partner_cap {
    std::string partner;
    decimal cap;
};

/// A cap on the full cost of the activities of one area and its sub-areas: sum over those
/// activities a of u_a d_a, u the full unit costs and d = (I - S) x the direct volumes (a grant
/// budget per district; see docs/areas.md).
struct area_cap {
    std::string area;
    decimal cap;
};

/// The fixed financial frame of an opgave: a budget cap on the total and optional caps per
/// partner and per area. Only the optimiser uses it (zbb/optimize.hpp, objective max-effect); the
/// bottom-up budget does not.
struct financial_frame {
    std::optional<decimal> budget;          ///< cap on the total cost, none = no cap
    std::vector<partner_cap> partner_caps;  ///< caps per partner
    std::vector<area_cap> area_caps{};      ///< caps per area (sub-areas included)
};

/// One year's step of a named index series (years.index_series): prices of a cost category
/// indexed by `series` are, in `year`, those of the year before times `factor` (exact decimal,
/// "1.035" for 3.5 %).
struct index_factor {
    std::string series;
    int year = 0;
    decimal factor{};
};

/// The index series that raises the prices of one cost category (years.indexation); categories
/// without a row keep their prices in every year.
struct category_indexation {
    std::string category;
    std::string series;
};

/// A plan entry's volume in a later year (years.volumes): replaces the volume of the plan row
/// (goal, activity) in `year` (the row keeps its area); a pair without a plan row is planned in
/// that year only, in the activity's or the goal's area.
struct year_volume {
    std::string goal;
    std::string activity;
    int year = 0;
    double volume = 0;
};

/// A line of the municipality's stated income in one year of the estimate (years.income): the
/// general grant (algemene uitkering uit het gemeentefonds), levies (lokale heffingen) or other
/// income, structural or incidental. The sluitend check (zbb/balance.hpp) sets it against the
/// municipality's share of the costs.
struct income_line {
    std::string id;
    int year = 0;
    std::string kind;  ///< "general_grant", "levies" or "other"
    decimal amount{};
    std::string nature = "structural";  ///< "structural" or "incidental"
};

/// An activity whose costs are incidental (years.incidental): one-off costs, which the
/// structural balance leaves out; every other activity's costs are structural.
struct incidental_activity {
    std::string activity;
};

/// The multi-year estimate (meerjarenraming): the budget year T (the plan's volumes and the
/// resources' prices) and the years up to `last_year`, each with its indexed prices and volumes
/// (zbb/years.hpp, docs/years.md).
struct multi_year {
    int budget_year = 0;  ///< T
    int last_year = 0;    ///< T + 3 for the usual four-year estimate; at most T + 9
    std::vector<index_factor> index_series{};
    std::vector<category_indexation> indexation{};
    std::vector<year_volume> volumes{};
    /// The partner whose share of the costs the income must cover (the municipality); the
    /// sluitend check runs when it is set.
    std::string municipality{};
    std::vector<income_line> income{};
    std::vector<incidental_activity> incidental{};
};

/// An activity volume in a decision package: direct volume added by the package.
struct package_volume {
    std::string activity;
    double volume = 0;
};

/// A decision package (classic zero-based budgeting): an increment of a decision unit at a level
/// (1 = the minimum, 2 = the next increment, ...), a bundle of direct activity volumes. Level k of
/// a unit can only be funded together with levels 1..k-1 (zbb/packages.hpp, docs/optimize.md).
struct decision_package {
    std::string unit;                ///< decision unit id ("DU-dementia")
    int level = 1;                   ///< 1, 2, ... without gaps per unit
    std::string name;                ///< "minimum", "current", "improved"
    std::optional<double> priority;  ///< stated rank, lower first; none = rank by effect per euro
    std::vector<package_volume> volumes;
};

/// The id of a link row in error messages and reports: "a -> b" (goal -> activity for effects
/// and plan rows, activity -> resource for consumption, supplier -> consumer for support,
/// activity -> partner for funding).
inline std::string pair_id(const std::string& a, const std::string& b) {
    return a + " -> " + b;
}

/// The id of a decision package in every message and report: "<unit>/<level>" ("DU-dementia/2").
inline std::string package_id(const std::string& unit, int level) {
    return unit + "/" + std::to_string(level);
}
inline std::string package_id(const decision_package& p) {
    return package_id(p.unit, p.level);
}

/// A whole model as read from (and written to) a zbb-model/1 file. Nothing is checked here;
/// linked_model (zbb/linked_model.hpp) validates it and builds the matrices.
struct model {
    std::string format = "zbb-model/1";
    std::string name;
    std::string description;
    std::string currency = "EUR";
    std::optional<int> minor_units;  ///< overrides the currency table

    std::vector<goal> goals;
    std::vector<activity> activities;
    std::vector<resource> resources;
    std::vector<partner> partners;
    std::vector<zbb::area> areas;              ///< optional top-level "areas"
    std::vector<zbb::programme> programmes{};  ///< optional top-level "programmes"

    std::vector<effect_row> effects;
    std::vector<consumption_row> consumption;
    std::vector<support_row> support;
    std::vector<funding_row> funding;
    zbb::plan plan;
    std::optional<financial_frame> frame;    ///< optional top-level "frame"
    std::vector<decision_package> packages;  ///< optional top-level "packages"
    std::optional<multi_year> years{};       ///< optional top-level "years"
};

}  // namespace zbb
