// zbb/tables.hpp - the one description of a model's tables: names, columns, the kind of each
// column, required or optional, defaults, and where each lives in the model structs.
//
// The JSON reader and writer (zbb/io.hpp), the column path of the Python package (bindings/) and
// the JSON Schema test are driven by this description. Adding a column means adding a member to
// the row struct (zbb/model.hpp) and one line here; the code that gives the column its meaning
// (linked_model, budget, ...) is the only other place to touch.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "zbb/decimal.hpp"
#include "zbb/error.hpp"
#include "zbb/model.hpp"

namespace zbb {

/// The kind of a column, as the file formats see it.
enum class column_kind {
    text,     ///< a JSON string
    number,   ///< a JSON number (a double)
    integer,  ///< a JSON number that must be whole (2.0 counts as whole)
    exact,    ///< a decimal string such as "78.40", never a JSON number (prices, shares)
};

/// Name of a column kind ("text", "number", "integer", "exact").
constexpr std::string_view to_string(column_kind k) {
    switch (k) {
        case column_kind::text:
            return "text";
        case column_kind::number:
            return "number";
        case column_kind::integer:
            return "integer";
        case column_kind::exact:
            return "exact";
    }
    return "text";
}

namespace schema {

/// When the writer writes a cell: always, or only when it is set (an optional value that is
/// present, a text that is not empty, a nested table that has rows).
enum class write_rule { always, when_set };

/// How a row is named in error messages once its key columns are read.
enum class key_style {
    none,   ///< a nested row without a key of its own: named by position and its parent's id
    id,     ///< an entity: named by its id ("goal 'G1'")
    pair,   ///< a link row: "effects 'G1 -> A1'" (the two key columns joined by " -> ")
    slash,  ///< a decision package: "packages 'DU-x/1'"; its unit names it while its level is read
    pair_year,  ///< a plan entry in a year: "years.volumes 'G1 -> A1 in 2028'" (three key columns)
};

/// A column: its name in files and DataFrames, the struct member that holds it, whether it is
/// required, when it is written and its default. The kind follows from the member's type:
/// std::string text, double number, std::optional<double> optional number, decimal exact,
/// std::optional<decimal> optional exact, int integer, std::optional<int> optional integer.
template <class Row, class Member>
struct column {
    std::string_view name;
    Member Row::*member;
    bool required = false;
    write_rule write = write_rule::always;
    std::string_view text_default = {};   ///< default of a text column
    double number_default = 0;            ///< default of a number column
    double min = 0, max = 0;              ///< range of an integer column
    std::string_view range_message = {};  ///< message when an integer is outside [min, max]

    using row_type = Row;
    using member_type = Member;
    static constexpr column_kind kind =
        std::is_same_v<Member, std::string> ? column_kind::text
        : (std::is_same_v<Member, decimal> || std::is_same_v<Member, std::optional<decimal>>)
            ? column_kind::exact
        : (std::is_same_v<Member, int> || std::is_same_v<Member, std::optional<int>>)
            ? column_kind::integer
            : column_kind::number;
    /// True when the member can be unset (std::optional).
    static constexpr bool optional =
        !std::is_same_v<Member, std::string> && !std::is_same_v<Member, double> &&
        !std::is_same_v<Member, decimal> && !std::is_same_v<Member, int>;
};

/// A nested table: rows of type Child held by each Row (a JSON array under `name`), or, with
/// `one` set, a single optional object (the financial frame).
template <class Row, class Child, class Holder>
struct children {
    std::string_view name;
    Holder& (*get)(Row&);
    const Holder& (*cget)(const Row&);
    write_rule write = write_rule::always;
    using row_type = Row;
    using child_type = Child;
    using holder_type = Holder;
    static constexpr bool one = !std::is_same_v<Holder, std::vector<Child>>;
};

/// A table: its name (the JSON key and the DataFrame name), the entity that names a row in error
/// messages, how its key columns (the first `keys` columns) name a row, its columns and its nested
/// tables.
template <class Row, class Columns, class Children>
struct table {
    std::string_view name;
    std::string_view entity;
    key_style key = key_style::none;
    std::size_t keys = 0;
    Columns columns;
    Children nested;
    using row_type = Row;
};

template <class Row, class... C>
constexpr auto columns(C... c) {
    return std::tuple<C...>{c...};
}

template <class Tuple, class F>
constexpr void for_each(const Tuple& t, F&& f) {
    std::apply([&](const auto&... item) { (f(item), ...); }, t);
}

// --- accessors of nested holders (function pointers keep the description constexpr) -----------
inline std::vector<activity_level>& levels_of(activity& a) {
    return a.levels;
}
inline const std::vector<activity_level>& clevels_of(const activity& a) {
    return a.levels;
}
inline std::vector<package_volume>& volumes_of(decision_package& p) {
    return p.volumes;
}
inline const std::vector<package_volume>& cvolumes_of(const decision_package& p) {
    return p.volumes;
}
inline std::vector<partner_cap>& caps_of(financial_frame& f) {
    return f.partner_caps;
}
inline const std::vector<partner_cap>& ccaps_of(const financial_frame& f) {
    return f.partner_caps;
}
inline std::vector<area_cap>& area_caps_of(financial_frame& f) {
    return f.area_caps;
}
inline const std::vector<area_cap>& carea_caps_of(const financial_frame& f) {
    return f.area_caps;
}

inline std::vector<index_factor>& index_series_of(multi_year& y) {
    return y.index_series;
}
inline const std::vector<index_factor>& cindex_series_of(const multi_year& y) {
    return y.index_series;
}
inline std::vector<category_indexation>& indexation_of(multi_year& y) {
    return y.indexation;
}
inline const std::vector<category_indexation>& cindexation_of(const multi_year& y) {
    return y.indexation;
}
inline std::vector<income_line>& income_of(multi_year& y) {
    return y.income;
}
inline const std::vector<income_line>& cincome_of(const multi_year& y) {
    return y.income;
}
inline std::vector<incidental_activity>& incidental_of(multi_year& y) {
    return y.incidental;
}
inline const std::vector<incidental_activity>& cincidental_of(const multi_year& y) {
    return y.incidental;
}
inline std::vector<year_volume>& year_volumes_of(multi_year& y) {
    return y.volumes;
}
inline const std::vector<year_volume>& cyear_volumes_of(const multi_year& y) {
    return y.volumes;
}

// --- the tables --------------------------------------------------------------------------------
using W = write_rule;

inline constexpr table<activity_level,
                       std::tuple<column<activity_level, double>, column<activity_level, decimal>>,
                       std::tuple<>>
    levels_table{"levels",
                 "activity.levels",
                 key_style::none,
                 0,
                 {column<activity_level, double>{"up_to", &activity_level::up_to, true},
                  column<activity_level, decimal>{"effect", &activity_level::effect, true}},
                 {}};

inline constexpr table<
    package_volume, std::tuple<column<package_volume, std::string>, column<package_volume, double>>,
    std::tuple<>>
    package_volumes_table{
        "volumes",
        "packages.volumes",
        key_style::none,
        0,
        {column<package_volume, std::string>{"activity", &package_volume::activity, true},
         column<package_volume, double>{"volume", &package_volume::volume, true}},
        {}};

inline constexpr table<partner_cap,
                       std::tuple<column<partner_cap, std::string>, column<partner_cap, decimal>>,
                       std::tuple<>>
    partner_caps_table{"partner_caps",
                       "frame.partner_caps",
                       key_style::id,
                       1,
                       {column<partner_cap, std::string>{"partner", &partner_cap::partner, true},
                        column<partner_cap, decimal>{"cap", &partner_cap::cap, true}},
                       {}};

inline constexpr table<
    area_cap, std::tuple<column<area_cap, std::string>, column<area_cap, decimal>>, std::tuple<>>
    area_caps_table{"area_caps",
                    "frame.area_caps",
                    key_style::id,
                    1,
                    {column<area_cap, std::string>{"area", &area_cap::area, true},
                     column<area_cap, decimal>{"cap", &area_cap::cap, true}},
                    {}};

inline constexpr table<
    goal,
    std::tuple<column<goal, std::string>, column<goal, std::string>, column<goal, std::string>,
               column<goal, double>, column<goal, double>, column<goal, double>,
               column<goal, std::string>, column<goal, std::string>>,
    std::tuple<>>
    goals_table{"goals",
                "goal",
                key_style::id,
                1,
                {column<goal, std::string>{"id", &goal::id, true},
                 column<goal, std::string>{"name", &goal::name},
                 column<goal, std::string>{"unit", &goal::unit},
                 column<goal, double>{"baseline", &goal::baseline, true},
                 column<goal, double>{"target", &goal::target, true},
                 column<goal, double>{"weight", &goal::weight, false, W::always, {}, 1.0},
                 column<goal, std::string>{"area", &goal::area, false, W::when_set},
                 column<goal, std::string>{"programme", &goal::programme, false, W::when_set}},
                {}};

inline constexpr table<activity,
                       std::tuple<column<activity, std::string>, column<activity, std::string>,
                                  column<activity, std::string>, column<activity, std::string>,
                                  column<activity, double>, column<activity, std::optional<double>>,
                                  column<activity, std::string>, column<activity, std::string>>,
                       std::tuple<children<activity, activity_level, std::vector<activity_level>>>>
    activities_table{
        "activities",
        "activity",
        key_style::id,
        1,
        {column<activity, std::string>{"id", &activity::id, true},
         column<activity, std::string>{"name", &activity::name},
         column<activity, std::string>{"unit", &activity::unit},
         column<activity, std::string>{"partner", &activity::partner, false, W::when_set},
         column<activity, double>{"min", &activity::min},
         column<activity, std::optional<double>>{"max", &activity::max, false, W::when_set},
         column<activity, std::string>{"area", &activity::area, false, W::when_set},
         column<activity, std::string>{"taakveld", &activity::taakveld, false, W::when_set}},
        {children<activity, activity_level, std::vector<activity_level>>{
            "levels", &levels_of, &clevels_of, W::when_set}}};

inline constexpr table<
    resource,
    std::tuple<column<resource, std::string>, column<resource, std::string>,
               column<resource, std::string>, column<resource, decimal>,
               column<resource, std::string>, column<resource, std::optional<double>>,
               column<resource, std::optional<decimal>>, column<resource, std::optional<decimal>>,
               column<resource, std::string>>,
    std::tuple<>>
    resources_table{
        "resources",
        "resource",
        key_style::id,
        1,
        {column<resource, std::string>{"id", &resource::id, true},
         column<resource, std::string>{"name", &resource::name},
         column<resource, std::string>{"unit", &resource::unit},
         column<resource, decimal>{"price", &resource::price, true},
         column<resource, std::string>{"category", &resource::category, false, W::always, "other"},
         column<resource, std::optional<double>>{"available", &resource::available, false,
                                                 W::when_set},
         column<resource, std::optional<decimal>>{"price_low", &resource::price_low, false,
                                                  W::when_set},
         column<resource, std::optional<decimal>>{"price_high", &resource::price_high, false,
                                                  W::when_set},
         column<resource, std::string>{"economic_category", &resource::economic_category, false,
                                       W::when_set}},
        {}};

inline constexpr table<
    partner, std::tuple<column<partner, std::string>, column<partner, std::string>>, std::tuple<>>
    partners_table{"partners",
                   "partner",
                   key_style::id,
                   1,
                   {column<partner, std::string>{"id", &partner::id, true},
                    column<partner, std::string>{"name", &partner::name}},
                   {}};

inline constexpr table<
    area,
    std::tuple<column<area, std::string>, column<area, std::string>, column<area, std::string>>,
    std::tuple<>>
    areas_table{"areas",
                "area",
                key_style::id,
                1,
                {column<area, std::string>{"id", &area::id, true},
                 column<area, std::string>{"name", &area::name},
                 column<area, std::string>{"parent", &area::parent, false, W::when_set}},
                {}};

inline constexpr table<programme,
                       std::tuple<column<programme, std::string>, column<programme, std::string>>,
                       std::tuple<>>
    programmes_table{"programmes",
                     "programme",
                     key_style::id,
                     1,
                     {column<programme, std::string>{"id", &programme::id, true},
                      column<programme, std::string>{"name", &programme::name}},
                     {}};

/// A link row with a coefficient and its optional range (effects, consumption, support).
template <class Row>
using ranged_link_columns =
    std::tuple<column<Row, std::string>, column<Row, std::string>, column<Row, double>,
               column<Row, std::optional<double>>, column<Row, std::optional<double>>>;

inline constexpr table<effect_row, ranged_link_columns<effect_row>, std::tuple<>> effects_table{
    "effects",
    "effects",
    key_style::pair,
    2,
    {column<effect_row, std::string>{"goal", &effect_row::goal, true},
     column<effect_row, std::string>{"activity", &effect_row::activity, true},
     column<effect_row, double>{"per_unit", &effect_row::per_unit, true},
     column<effect_row, std::optional<double>>{"low", &effect_row::low, false, W::when_set},
     column<effect_row, std::optional<double>>{"high", &effect_row::high, false, W::when_set}},
    {}};

inline constexpr table<consumption_row, ranged_link_columns<consumption_row>, std::tuple<>>
    consumption_table{
        "consumption",
        "consumption",
        key_style::pair,
        2,
        {column<consumption_row, std::string>{"activity", &consumption_row::activity, true},
         column<consumption_row, std::string>{"resource", &consumption_row::resource, true},
         column<consumption_row, double>{"per_unit", &consumption_row::per_unit, true},
         column<consumption_row, std::optional<double>>{"low", &consumption_row::low, false,
                                                        W::when_set},
         column<consumption_row, std::optional<double>>{"high", &consumption_row::high, false,
                                                        W::when_set}},
        {}};

inline constexpr table<support_row, ranged_link_columns<support_row>, std::tuple<>> support_table{
    "support",
    "support",
    key_style::pair,
    2,
    {column<support_row, std::string>{"supplier", &support_row::supplier, true},
     column<support_row, std::string>{"consumer", &support_row::consumer, true},
     column<support_row, double>{"per_unit", &support_row::per_unit, true},
     column<support_row, std::optional<double>>{"low", &support_row::low, false, W::when_set},
     column<support_row, std::optional<double>>{"high", &support_row::high, false, W::when_set}},
    {}};

inline constexpr table<funding_row,
                       std::tuple<column<funding_row, std::string>,
                                  column<funding_row, std::string>, column<funding_row, decimal>>,
                       std::tuple<>>
    funding_table{"funding",
                  "funding",
                  key_style::pair,
                  2,
                  {column<funding_row, std::string>{"activity", &funding_row::activity, true},
                   column<funding_row, std::string>{"partner", &funding_row::partner, true},
                   column<funding_row, decimal>{"share", &funding_row::share, true}},
                  {}};

inline constexpr table<plan_row,
                       std::tuple<column<plan_row, std::string>, column<plan_row, std::string>,
                                  column<plan_row, double>, column<plan_row, std::string>>,
                       std::tuple<>>
    plan_table{"plan",
               "plan",
               key_style::pair,
               2,
               {column<plan_row, std::string>{"goal", &plan_row::goal, true},
                column<plan_row, std::string>{"activity", &plan_row::activity, true},
                column<plan_row, double>{"volume", &plan_row::volume, true},
                column<plan_row, std::string>{"area", &plan_row::area, false, W::when_set}},
               {}};

inline constexpr table<
    decision_package,
    std::tuple<column<decision_package, std::string>, column<decision_package, int>,
               column<decision_package, std::string>,
               column<decision_package, std::optional<double>>>,
    std::tuple<children<decision_package, package_volume, std::vector<package_volume>>>>
    packages_table{
        "packages",
        "packages",
        key_style::slash,
        2,
        {column<decision_package, std::string>{"unit", &decision_package::unit, true},
         column<decision_package, int>{"level",
                                       &decision_package::level,
                                       true,
                                       W::always,
                                       {},
                                       0,
                                       1,
                                       1e6,
                                       "must be a whole number from 1"},
         column<decision_package, std::string>{"name", &decision_package::name, false, W::when_set},
         column<decision_package, std::optional<double>>{"priority", &decision_package::priority,
                                                         false, W::when_set}},
        {children<decision_package, package_volume, std::vector<package_volume>>{
            "volumes", &volumes_of, &cvolumes_of, W::always}}};

inline constexpr table<financial_frame, std::tuple<column<financial_frame, std::optional<decimal>>>,
                       std::tuple<children<financial_frame, partner_cap, std::vector<partner_cap>>,
                                  children<financial_frame, area_cap, std::vector<area_cap>>>>
    frame_table{
        "frame",
        "frame",
        key_style::none,
        0,
        {column<financial_frame, std::optional<decimal>>{"budget", &financial_frame::budget}},
        {children<financial_frame, partner_cap, std::vector<partner_cap>>{"partner_caps", &caps_of,
                                                                          &ccaps_of, W::when_set},
         children<financial_frame, area_cap, std::vector<area_cap>>{"area_caps", &area_caps_of,
                                                                    &carea_caps_of, W::when_set}}};

/// The years a model may name: whole numbers from 1900 to 2200.
inline constexpr double min_year = 1900, max_year = 2200;
inline constexpr std::string_view year_message = "must be a whole number from 1900 to 2200";

inline constexpr table<index_factor,
                       std::tuple<column<index_factor, std::string>, column<index_factor, int>,
                                  column<index_factor, decimal>>,
                       std::tuple<>>
    index_series_table{
        "index_series",
        "years.index_series",
        key_style::slash,
        2,
        {column<index_factor, std::string>{"series", &index_factor::series, true},
         column<index_factor, int>{
             "year", &index_factor::year, true, W::always, {}, 0, min_year, max_year, year_message},
         column<index_factor, decimal>{"factor", &index_factor::factor, true}},
        {}};

inline constexpr table<
    category_indexation,
    std::tuple<column<category_indexation, std::string>, column<category_indexation, std::string>>,
    std::tuple<>>
    indexation_table{
        "indexation",
        "years.indexation",
        key_style::id,
        1,
        {column<category_indexation, std::string>{"category", &category_indexation::category, true},
         column<category_indexation, std::string>{"series", &category_indexation::series, true}},
        {}};

inline constexpr table<
    year_volume,
    std::tuple<column<year_volume, std::string>, column<year_volume, std::string>,
               column<year_volume, int>, column<year_volume, double>>,
    std::tuple<>>
    year_volumes_table{
        "volumes",
        "years.volumes",
        key_style::pair_year,
        3,
        {column<year_volume, std::string>{"goal", &year_volume::goal, true},
         column<year_volume, std::string>{"activity", &year_volume::activity, true},
         column<year_volume, int>{
             "year", &year_volume::year, true, W::always, {}, 0, min_year, max_year, year_message},
         column<year_volume, double>{"volume", &year_volume::volume, true}},
        {}};

inline constexpr table<income_line,
                       std::tuple<column<income_line, std::string>, column<income_line, int>,
                                  column<income_line, std::string>, column<income_line, decimal>,
                                  column<income_line, std::string>>,
                       std::tuple<>>
    income_table{
        "income",
        "years.income",
        key_style::slash,
        2,
        {column<income_line, std::string>{"id", &income_line::id, true},
         column<income_line, int>{
             "year", &income_line::year, true, W::always, {}, 0, min_year, max_year, year_message},
         column<income_line, std::string>{"kind", &income_line::kind, true},
         column<income_line, decimal>{"amount", &income_line::amount, true},
         column<income_line, std::string>{"nature", &income_line::nature, false, W::always,
                                          "structural"}},
        {}};

inline constexpr table<incidental_activity, std::tuple<column<incidental_activity, std::string>>,
                       std::tuple<>>
    incidental_table{"incidental",
                     "years.incidental",
                     key_style::id,
                     1,
                     {column<incidental_activity, std::string>{
                         "activity", &incidental_activity::activity, true}},
                     {}};

inline constexpr table<
    multi_year,
    std::tuple<column<multi_year, int>, column<multi_year, int>, column<multi_year, std::string>>,
    std::tuple<children<multi_year, index_factor, std::vector<index_factor>>,
               children<multi_year, category_indexation, std::vector<category_indexation>>,
               children<multi_year, year_volume, std::vector<year_volume>>,
               children<multi_year, income_line, std::vector<income_line>>,
               children<multi_year, incidental_activity, std::vector<incidental_activity>>>>
    years_table{"years",
                "years",
                key_style::none,
                0,
                {column<multi_year, int>{"budget_year",
                                         &multi_year::budget_year,
                                         true,
                                         W::always,
                                         {},
                                         0,
                                         min_year,
                                         max_year,
                                         year_message},
                 column<multi_year, int>{"last_year",
                                         &multi_year::last_year,
                                         true,
                                         W::always,
                                         {},
                                         0,
                                         min_year,
                                         max_year,
                                         year_message},
                 column<multi_year, std::string>{"municipality", &multi_year::municipality, false,
                                                 W::when_set}},
                {children<multi_year, index_factor, std::vector<index_factor>>{
                     "index_series", &index_series_of, &cindex_series_of, W::when_set},
                 children<multi_year, category_indexation, std::vector<category_indexation>>{
                     "indexation", &indexation_of, &cindexation_of, W::when_set},
                 children<multi_year, year_volume, std::vector<year_volume>>{
                     "volumes", &year_volumes_of, &cyear_volumes_of, W::when_set},
                 children<multi_year, income_line, std::vector<income_line>>{
                     "income", &income_of, &cincome_of, W::when_set},
                 children<multi_year, incidental_activity, std::vector<incidental_activity>>{
                     "incidental", &incidental_of, &cincidental_of, W::when_set}}};

// The model's own tables, in the order of the file (and of reading).
inline std::vector<goal>& goals_of(model& m) {
    return m.goals;
}
inline const std::vector<goal>& cgoals_of(const model& m) {
    return m.goals;
}
inline std::vector<activity>& activities_of(model& m) {
    return m.activities;
}
inline const std::vector<activity>& cactivities_of(const model& m) {
    return m.activities;
}
inline std::vector<resource>& resources_of(model& m) {
    return m.resources;
}
inline const std::vector<resource>& cresources_of(const model& m) {
    return m.resources;
}
inline std::vector<partner>& partners_of(model& m) {
    return m.partners;
}
inline const std::vector<partner>& cpartners_of(const model& m) {
    return m.partners;
}
inline std::vector<area>& areas_of(model& m) {
    return m.areas;
}
inline const std::vector<area>& careas_of(const model& m) {
    return m.areas;
}
inline std::vector<programme>& programmes_of(model& m) {
    return m.programmes;
}
inline const std::vector<programme>& cprogrammes_of(const model& m) {
    return m.programmes;
}
inline std::vector<effect_row>& effects_of(model& m) {
    return m.effects;
}
inline const std::vector<effect_row>& ceffects_of(const model& m) {
    return m.effects;
}
inline std::vector<consumption_row>& consumption_of(model& m) {
    return m.consumption;
}
inline const std::vector<consumption_row>& cconsumption_of(const model& m) {
    return m.consumption;
}
inline std::vector<support_row>& support_of(model& m) {
    return m.support;
}
inline const std::vector<support_row>& csupport_of(const model& m) {
    return m.support;
}
inline std::vector<funding_row>& funding_of(model& m) {
    return m.funding;
}
inline const std::vector<funding_row>& cfunding_of(const model& m) {
    return m.funding;
}
inline std::vector<plan_row>& plan_of(model& m) {
    return m.plan.rows;
}
inline const std::vector<plan_row>& cplan_of(const model& m) {
    return m.plan.rows;
}
inline std::optional<financial_frame>& frame_of(model& m) {
    return m.frame;
}
inline const std::optional<financial_frame>& cframe_of(const model& m) {
    return m.frame;
}
inline std::vector<decision_package>& packages_of(model& m) {
    return m.packages;
}
inline const std::vector<decision_package>& cpackages_of(const model& m) {
    return m.packages;
}
inline std::optional<multi_year>& years_of(model& m) {
    return m.years;
}
inline const std::optional<multi_year>& cyears_of(const model& m) {
    return m.years;
}

/// The model itself: its header fields and its tables. "$schema" is accepted at the top level
/// and ignored (never written).
inline constexpr table<
    model,
    std::tuple<column<model, std::string>, column<model, std::string>, column<model, std::string>,
               column<model, std::string>, column<model, std::optional<int>>>,
    std::tuple<
        children<model, goal, std::vector<goal>>, children<model, activity, std::vector<activity>>,
        children<model, resource, std::vector<resource>>,
        children<model, partner, std::vector<partner>>, children<model, area, std::vector<area>>,
        children<model, programme, std::vector<programme>>,
        children<model, effect_row, std::vector<effect_row>>,
        children<model, consumption_row, std::vector<consumption_row>>,
        children<model, support_row, std::vector<support_row>>,
        children<model, funding_row, std::vector<funding_row>>,
        children<model, plan_row, std::vector<plan_row>>,
        children<model, financial_frame, std::optional<financial_frame>>,
        children<model, decision_package, std::vector<decision_package>>,
        children<model, multi_year, std::optional<multi_year>>>>
    model_table{
        "model",
        "model",
        key_style::none,
        0,
        {column<model, std::string>{"format", &model::format, true},
         column<model, std::string>{"name", &model::name},
         column<model, std::string>{"description", &model::description, false, W::when_set},
         column<model, std::string>{"currency", &model::currency, false, W::always, "EUR"},
         column<model, std::optional<int>>{"minor_units",
                                           &model::minor_units,
                                           false,
                                           W::when_set,
                                           {},
                                           0,
                                           0,
                                           6,
                                           "must be a whole number from 0 to 6"}},
        {children<model, goal, std::vector<goal>>{"goals", &goals_of, &cgoals_of},
         children<model, activity, std::vector<activity>>{"activities", &activities_of,
                                                          &cactivities_of},
         children<model, resource, std::vector<resource>>{"resources", &resources_of,
                                                          &cresources_of},
         children<model, partner, std::vector<partner>>{"partners", &partners_of, &cpartners_of},
         children<model, area, std::vector<area>>{"areas", &areas_of, &careas_of, W::when_set},
         children<model, programme, std::vector<programme>>{"programmes", &programmes_of,
                                                            &cprogrammes_of, W::when_set},
         children<model, effect_row, std::vector<effect_row>>{"effects", &effects_of, &ceffects_of},
         children<model, consumption_row, std::vector<consumption_row>>{
             "consumption", &consumption_of, &cconsumption_of},
         children<model, support_row, std::vector<support_row>>{"support", &support_of,
                                                                &csupport_of},
         children<model, funding_row, std::vector<funding_row>>{"funding", &funding_of,
                                                                &cfunding_of},
         children<model, plan_row, std::vector<plan_row>>{"plan", &plan_of, &cplan_of},
         children<model, financial_frame, std::optional<financial_frame>>{"frame", &frame_of,
                                                                          &cframe_of, W::when_set},
         children<model, decision_package, std::vector<decision_package>>{
             "packages", &packages_of, &cpackages_of, W::when_set},
         children<model, multi_year, std::optional<multi_year>>{"years", &years_of, &cyears_of,
                                                                W::when_set}}};

/// The table description of a row type (for nested tables).
template <class Row>
constexpr const auto& table_of() {
    if constexpr (std::is_same_v<Row, goal>)
        return goals_table;
    else if constexpr (std::is_same_v<Row, activity>)
        return activities_table;
    else if constexpr (std::is_same_v<Row, resource>)
        return resources_table;
    else if constexpr (std::is_same_v<Row, partner>)
        return partners_table;
    else if constexpr (std::is_same_v<Row, area>)
        return areas_table;
    else if constexpr (std::is_same_v<Row, programme>)
        return programmes_table;
    else if constexpr (std::is_same_v<Row, effect_row>)
        return effects_table;
    else if constexpr (std::is_same_v<Row, consumption_row>)
        return consumption_table;
    else if constexpr (std::is_same_v<Row, support_row>)
        return support_table;
    else if constexpr (std::is_same_v<Row, funding_row>)
        return funding_table;
    else if constexpr (std::is_same_v<Row, plan_row>)
        return plan_table;
    else if constexpr (std::is_same_v<Row, activity_level>)
        return levels_table;
    else if constexpr (std::is_same_v<Row, decision_package>)
        return packages_table;
    else if constexpr (std::is_same_v<Row, package_volume>)
        return package_volumes_table;
    else if constexpr (std::is_same_v<Row, financial_frame>)
        return frame_table;
    else if constexpr (std::is_same_v<Row, partner_cap>)
        return partner_caps_table;
    else if constexpr (std::is_same_v<Row, area_cap>)
        return area_caps_table;
    else if constexpr (std::is_same_v<Row, multi_year>)
        return years_table;
    else if constexpr (std::is_same_v<Row, index_factor>)
        return index_series_table;
    else if constexpr (std::is_same_v<Row, category_indexation>)
        return indexation_table;
    else if constexpr (std::is_same_v<Row, year_volume>)
        return year_volumes_table;
    else if constexpr (std::is_same_v<Row, income_line>)
        return income_table;
    else if constexpr (std::is_same_v<Row, incidental_activity>)
        return incidental_table;
    else
        return model_table;
}

// --- reading cells: the one place where kinds, required fields and defaults get their meaning ----

/// Where a row is, made into an error_location only when an error is reported: by position
/// ("goals[3]", "activity.levels[1] 'A-case'") while its key columns are read, then by its key
/// ("goal 'G1'", "effects 'G1 -> A1'", "packages 'DU/1'").
struct row_place {
    std::string_view prefix;     ///< positional name without the index
    std::size_t index = 0;       ///< position in its table
    bool positional = true;      ///< false: no index (the model, the frame)
    std::string_view parent_id;  ///< id of the row this nested row belongs to
    key_style style = key_style::none;
    std::string_view entity;  ///< entity once named
    const std::string* key0 = nullptr;
    std::string key1;
    std::string key2;  ///< the year of a pair_year row
    bool named = false;
    std::string_view source;  ///< the input's name (for duplicate keys)

    std::string id() const {
        if (!named) return style == key_style::slash && key0 ? *key0 : std::string(parent_id);
        switch (style) {
            case key_style::id:
                return *key0;
            case key_style::pair:
                return *key0 + " -> " + key1;
            case key_style::slash:
                return *key0 + "/" + key1;
            case key_style::pair_year:
                return *key0 + " -> " + key1 + " in " + key2;
            case key_style::none:
                break;
        }
        return std::string(parent_id);
    }
    error_location at(std::string_view field) const {
        std::string where = named ? std::string(entity) : std::string(prefix);
        if (!named && positional) where += "[" + std::to_string(index) + "]";
        return {where, id(), std::string(field)};
    }
    /// Records a key column's value once read (the row is named by them afterwards).
    template <class Member>
    void key(std::size_t i, const Member& value) {
        if constexpr (std::is_same_v<Member, std::string>) {
            if (i == 0)
                key0 = &value;
            else
                key1 = value;
        } else if constexpr (std::is_same_v<Member, int>) {
            (i == 2 ? key2 : key1) = std::to_string(value);
        }
    }
};

inline const std::string decimal_string_message =
    "must be a decimal string such as \"78.40\" (numbers would pass through binary floating "
    "point)";

/// Reads one cell into its member: the rules of required fields, defaults, kinds, decimals and
/// whole numbers for every reader (JSON, DataFrame columns). `Cell` tells whether the cell is
/// present and gives it as a string or a number:
///   bool present(); bool string(std::string_view&); bool number(double&);
///   static const char* string_expected / number_expected (the message for a wrong type).
template <class Column, class Row, class Cell>
void read_cell(const Column& col, const Cell& cell, Row& row, const row_place& place) {
    using M = typename Column::member_type;
    M& out = row.*col.member;
    if (!cell.present()) {
        if (col.required) detail::fail(place.at(col.name), "required field is missing");
        if constexpr (std::is_same_v<M, std::string>)
            out.assign(col.text_default);
        else if constexpr (std::is_same_v<M, double>)
            out = col.number_default;
        else if constexpr (Column::optional)
            out = std::nullopt;
        return;
    }
    if constexpr (Column::kind == column_kind::text) {
        std::string_view text;
        if (!cell.string(text)) detail::fail(place.at(col.name), Cell::string_expected);
        out.assign(text);
    } else if constexpr (Column::kind == column_kind::exact) {
        std::string_view text;
        if (!cell.string(text)) detail::fail(place.at(col.name), decimal_string_message);
        out = decimal::parse(text, place.at(col.name));
    } else {
        double d = 0;
        if (!cell.number(d)) detail::fail(place.at(col.name), Cell::number_expected);
        if (!std::isfinite(d)) detail::fail(place.at(col.name), "must be a finite number");
        if constexpr (Column::kind == column_kind::integer) {
            if (d != std::floor(d) || d < col.min || d > col.max)
                detail::fail(place.at(col.name), std::string(col.range_message));
            out = static_cast<int>(d);
        } else {
            out = d;
        }
    }
}

}  // namespace schema

/// A column of a model table, as tools outside C++ see it (the Python package, the schema test).
struct column_info {
    std::string name;
    column_kind kind;
    bool required;
    bool optional;             ///< may be unset (std::optional in C++, NaN / None in a DataFrame)
    std::string default_text;  ///< the default as text ("1", "other"), "" when none
    bool key;                  ///< part of the row's key (id, or the two ids of a link row)
};

/// A table of a model as tools outside C++ see it. Nested tables (activity levels, package
/// volumes, partner caps) are flattened: their first columns name the row they belong to
/// (`parent_columns`), as in a DataFrame.
struct table_info {
    std::string name;      ///< "goals", "levels", "package_volumes", "partner_caps"
    std::string entity;    ///< how errors name a row once its key is known ("goal")
    std::string parent;    ///< "" for a table of the model; "activities", "packages" or "frame"
    std::string json_key;  ///< the key of the table in its parent's JSON object
    std::size_t parent_columns = 0;  ///< leading columns that hold the parent's key
    std::vector<column_info> columns;
};

namespace schema {
template <class Column>
column_info info_of(const Column& c, bool key) {
    using C = Column;
    std::string fallback;
    if constexpr (C::kind == column_kind::text) fallback = std::string(c.text_default);
    if constexpr (std::is_same_v<typename C::member_type, double>)
        if (!c.required) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", c.number_default);
            fallback = buf;
        }
    return {std::string(c.name), C::kind, c.required, C::optional, fallback, key};
}

template <class Table>
std::vector<column_info> columns_info(const Table& t) {
    std::vector<column_info> out;
    std::size_t i = 0;
    for_each(t.columns, [&](const auto& c) {
        out.push_back(info_of(c, i < t.keys));
        ++i;
    });
    return out;
}
}  // namespace schema

/// Every table of a model, in file order, the nested tables after the model's own: goals,
/// activities, resources, partners, areas, effects, consumption, support, funding, plan, levels,
/// packages, package_volumes, partner_caps, area_caps. The header fields (format, name, ...) and
/// the frame's budget are the columns of the tables "model" and "frame", which come first.
inline std::vector<table_info> model_tables() {
    using namespace schema;
    std::vector<table_info> out;
    auto top = [&](const auto& t) {
        out.push_back({std::string(t.name), std::string(t.entity), "", std::string(t.name), 0,
                       columns_info(t)});
    };
    out.push_back({"model", "model", "", "", 0, columns_info(model_table)});
    out.push_back({"frame", "frame", "model", "frame", 0, columns_info(frame_table)});
    top(goals_table);
    top(activities_table);
    top(resources_table);
    top(partners_table);
    top(areas_table);
    top(programmes_table);
    top(effects_table);
    top(consumption_table);
    top(support_table);
    top(funding_table);
    top(plan_table);
    auto text_key = [](const char* name) {
        return column_info{name, column_kind::text, true, false, "", true};
    };
    table_info lv{"levels", "activity.levels", "activities", "levels", 1, {text_key("activity")}};
    for (auto& c : columns_info(levels_table)) lv.columns.push_back(c);
    out.push_back(lv);
    top(packages_table);
    table_info pv{"package_volumes",
                  "packages.volumes",
                  "packages",
                  "volumes",
                  2,
                  {text_key("unit"), {"level", column_kind::integer, true, false, "", true}}};
    for (auto& c : columns_info(package_volumes_table)) pv.columns.push_back(c);
    out.push_back(pv);
    table_info pc{"partner_caps",
                  "frame.partner_caps",
                  "frame",
                  "partner_caps",
                  0,
                  columns_info(partner_caps_table)};
    out.push_back(pc);
    out.push_back(
        {"area_caps", "frame.area_caps", "frame", "area_caps", 0, columns_info(area_caps_table)});
    out.push_back({"years", "years", "model", "years", 0, columns_info(years_table)});
    out.push_back({"index_series", "years.index_series", "years", "index_series", 0,
                   columns_info(index_series_table)});
    out.push_back({"indexation", "years.indexation", "years", "indexation", 0,
                   columns_info(indexation_table)});
    out.push_back(
        {"year_volumes", "years.volumes", "years", "volumes", 0, columns_info(year_volumes_table)});
    out.push_back({"income", "years.income", "years", "income", 0, columns_info(income_table)});
    out.push_back({"incidental", "years.incidental", "years", "incidental", 0,
                   columns_info(incidental_table)});
    return out;
}

}  // namespace zbb
