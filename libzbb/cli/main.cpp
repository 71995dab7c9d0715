// The zbb command-line tool: budget reports from model files and the built-in example.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "demo_model.hpp"
#include "zbb/optimize.hpp"
#include "zbb/zbb.hpp"

namespace {

// One entry per command: its synopsis and what it does (zbb COMMAND --help, zbb help COMMAND);
// the full usage is made of them.
struct command_help {
    const char* name;
    const char* text;
};
constexpr command_help commands[] = {
    {"budget",
     "  budget MODEL.json [--json|--csv] [--rounding MODE]\n"
     "                                                 bottom-up budget of the model's plan\n"
     "         [--by goal,KIND]                        full cost of each goal by KIND: activity,\n"
     "                                                 resource, category, partner or area\n"
     "         [--by area]                             the same as --by goal,area\n"
     "         [--by year]                             every year of the estimate (\"years\")\n"
     "         [--by taakveld]                         full cost of each goal by taakveld (the\n"
     "                                                 reconciliation with the BBV view)\n"
     "         [--prior PRIOR.csv|.json] [--waterfall KIND]\n"
     "                                                 against last year's budget: per line and a\n"
     "                                                 waterfall of the change by goal\n"},
    {"bbv",
     "  bbv MODEL.json [--json|--csv|--markdown] [--rounding MODE]\n"
     "                                                 the BBV view of the budget (every year of\n"
     "                                                 the estimate): taakvelden, economic\n"
     "                                                 categories, overhead apart, reconciled "
     "with\n"
     "                                                 the goal view; --markdown the programme\n"
     "                                                 report with the three W-questions\n"
     "                                                 (docs/bbv.md)\n"},
    {"validate",
     "  validate MODEL.json                            check a model; exit 0 when valid\n"},
    {"optimize",
     "  optimize MODEL.json [--objective OBJ] [--budget AMOUNT] [--json] [--time-limit SECONDS]\n"
     "                     [--rounding MODE]           build the plan up from the goals' targets\n"
     "                                                 (see docs/optimize.md)\n"
     "                     [--area-cap AREA=AMOUNT]... with max-effect: cap an area and its\n"
     "                                                 sub-areas, replacing the model's area "
     "caps\n"},
    {"packages",
     "  packages MODEL.json [--budget AMOUNT] [--json] [--time-limit SECONDS] [--rounding MODE]\n"
     "                                                 rank the decision packages, draw the\n"
     "                                                 cut-off line at the budget (or the\n"
     "                                                 model's frame), compare with the optimum\n"},
    {"compare",
     "  compare BASE.json VARIANT.json... [--reference NAME] [--objective OBJ|budget]\n"
     "          [--json|--csv] [--rounding MODE] [--budget AMOUNT] [--time-limit SECONDS]\n"
     "                                                 compare the base model with variants\n"
     "                                                 (zbb-variant/1 files): one column each,\n"
     "                                                 the change against --reference (default\n"
     "                                                 base) and dominance (docs/variants.md)\n"},
    {"simulate",
     "  simulate MODEL.json [VARIANT.json...] [--draws N] [--seed S] [--json]\n"
     "           [--distribution triangular|pert] [--threads N] [--rounding MODE]\n"
     "                                                 Monte Carlo over the model's ranges:\n"
     "                                                 per goal the chance of reaching the\n"
     "                                                 target, the projected indicator's and\n"
     "                                                 the total cost's distribution, for the\n"
     "                                                 base and each variant with the same\n"
     "                                                 draws (docs/simulate.md)\n"},
    {"demo",
     "  demo [--json|--csv] [--rounding MODE]          budget of the built-in example\n"
     "                                                 (dementia-friendly municipality); takes\n"
     "                                                 --by, --prior and --waterfall as budget\n"
     "  demo --model                                   print the built-in example model\n"},
    {"help", "  help [COMMAND]                                 this text, or one command's\n"},
};

constexpr const char* usage_notes =
    "\n"
    "MODEL.json may be - to read the model from standard input.\n"
    "MODE: half-even (default), half-up, half-down, toward-zero, away-from-zero, floor, ceiling\n"
    "--support-solver auto|direct|iterative (every command that reads a model): how the support\n"
    "      system is solved (default auto: per block, see docs/concepts.md)\n"
    "OBJ:  least-cost (default): reach every target at the lowest cost;\n"
    "      max-effect: best weighted attainment within --budget (or the model's frame)\n"
    "Exit status: 0 success, 1 invalid model or input, 2 wrong usage.\n"
    "  optimize also: 3 no plan meets every constraint (the explanation is printed),\n"
    "                 4 the solver stopped without a plan (time limit or numerical failure).\n"
    "  packages also: 4 the optimal selection is not proven (time limit or solver failure).\n";

std::string full_usage() {
    std::string u = "usage: zbb <command> [options]\n\ncommands:\n";
    for (const auto& c : commands) u += c.text;
    u += "  --help, --version\n";
    return u + usage_notes;
}

const command_help* find_command(const std::string& name) {
    for (const auto& c : commands)
        if (name == c.name) return &c;
    return nullptr;
}

std::string command_usage(const command_help& c) {
    return std::string("usage: zbb ") + c.name + " [options]\n\n" + c.text + usage_notes;
}

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct options {
    std::string command;
    std::string path;
    std::vector<std::string> variant_paths;  // compare: the variant files
    std::string reference = "base";          // compare
    bool compare_budget = true;              // compare: --objective budget (the default)
    bool json = false;
    bool csv = false;
    bool markdown = false;  // bbv --markdown
    bool print_model = false;
    zbb::link_options link;
    zbb::budget_options budget;
    zbb::optimize_objective objective = zbb::optimize_objective::least_cost;
    std::optional<zbb::decimal> budget_cap;
    std::optional<std::vector<zbb::area_cap>> area_caps;  ///< --area-cap AREA=AMOUNT, repeated
    double time_limit = 0;
    std::string by;                  // budget --by goal,KIND: the KIND
    std::string prior;               // budget --prior FILE
    std::string waterfall;           // budget --waterfall KIND
    zbb::simulate_options simulate;  // simulate
};

// A whole number in [0, max] written as plain decimal digits (no sign, no spaces, no exponent).
std::uint64_t whole_number(const std::string& v, const std::string& name, std::uint64_t max) {
    if (v.empty() || v.size() > 20 || v.find_first_not_of("0123456789") != std::string::npos)
        throw usage_error(name + " needs a whole number, got '" + v + "'");
    std::uint64_t n = 0;
    for (char c : v) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (n > (max - digit) / 10)
            throw usage_error(name + " is at most " + std::to_string(max) + ", got '" + v + "'");
        n = n * 10 + digit;
    }
    return n;
}

// The value of "--name VALUE" or "--name=VALUE" (`what` names it in the usage error).
std::string option_value(const std::vector<std::string>& args, std::size_t& i,
                         const std::string& name, const char* what = "a value") {
    const auto& a = args[i];
    if (a == name) {
        if (i + 1 >= args.size()) throw usage_error(name + " needs " + what);
        return args[++i];
    }
    return a.substr(name.size() + 1);
}
bool is_option(const std::string& a, const std::string& name) {
    return a == name || a.rfind(name + "=", 0) == 0;
}

options parse_args(int argc, char** argv) {
    options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) throw usage_error("no command given");
    o.command = args[0];
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--json") {
            o.json = true;
        } else if (a == "--csv" && (o.command == "budget" || o.command == "demo" ||
                                    o.command == "compare" || o.command == "bbv")) {
            o.csv = true;
        } else if (a == "--markdown" && o.command == "bbv") {
            o.markdown = true;
        } else if (is_option(a, "--support-solver")) {
            try {
                o.link.support.method =
                    zbb::parse_support_method(option_value(args, i, "--support-solver"));
            } catch (const zbb::model_error& e) {
                throw usage_error(e.what());
            }
        } else if (a == "--model" && o.command == "demo") {
            o.print_model = true;
        } else if (is_option(a, "--rounding")) {
            const std::string v = option_value(args, i, "--rounding", "a mode");
            try {
                o.budget.rounding = zbb::parse_rounding_mode(v);
            } catch (const zbb::model_error& e) {
                throw usage_error(e.what());
            }
        } else if ((o.command == "budget" || o.command == "demo") && is_option(a, "--by")) {
            const std::string v = option_value(args, i, "--by", "goal,KIND");
            const std::string kind = v == "area" || v == "year" || v == "taakveld" ? v
                                     : v.rfind("goal,", 0) == 0                    ? v.substr(5)
                                                                                   : "";
            if (kind != "activity" && kind != "resource" && kind != "category" &&
                kind != "partner" && kind != "area" && kind != "year" && kind != "taakveld")
                throw usage_error(
                    "--by takes goal,activity, goal,resource, goal,category, goal,partner, "
                    "goal,area (also: area), year or taakveld, got '" +
                    v + "'");
            if (v == "goal,year") throw usage_error("--by takes year, not goal,year");
            if (v == "goal,taakveld") throw usage_error("--by takes taakveld, not goal,taakveld");
            o.by = kind;
        } else if ((o.command == "budget" || o.command == "demo") && is_option(a, "--prior")) {
            o.prior = option_value(args, i, "--prior", "a prior budget file");
            if (o.prior.empty()) throw usage_error("--prior needs a prior budget file");
        } else if ((o.command == "budget" || o.command == "demo") && is_option(a, "--waterfall")) {
            o.waterfall = option_value(args, i, "--waterfall", "a kind");
            if (o.waterfall != "activity" && o.waterfall != "resource" &&
                o.waterfall != "category" && o.waterfall != "partner" && o.waterfall != "goal")
                throw usage_error(
                    "--waterfall takes activity, resource, category, partner or "
                    "goal, got '" +
                    o.waterfall + "'");
        } else if (o.command == "simulate" && is_option(a, "--draws")) {
            o.simulate.draws = whole_number(option_value(args, i, "--draws", "a number"), "--draws",
                                            zbb::max_simulation_draws);
            if (o.simulate.draws == 0) throw usage_error("--draws needs at least 1 draw");
        } else if (o.command == "simulate" && is_option(a, "--seed")) {
            o.simulate.seed = whole_number(option_value(args, i, "--seed", "a number"), "--seed",
                                           zbb::max_simulation_seed);
        } else if (o.command == "simulate" && is_option(a, "--threads")) {
            o.simulate.threads = static_cast<unsigned>(
                whole_number(option_value(args, i, "--threads", "a number"), "--threads", 256));
        } else if (o.command == "simulate" && is_option(a, "--distribution")) {
            try {
                o.simulate.shape = zbb::parse_range_shape(
                    option_value(args, i, "--distribution", "triangular or pert"));
            } catch (const zbb::model_error& e) {
                throw usage_error(e.what());
            }
        } else if (o.command == "compare" && is_option(a, "--reference")) {
            o.reference = option_value(args, i, "--reference", "a variant name");
        } else if (o.command == "compare" && is_option(a, "--objective")) {
            const std::string v = option_value(args, i, "--objective");
            o.compare_budget = v == "budget";
            if (!o.compare_budget) try {
                    o.objective = zbb::parse_objective(v);
                } catch (const zbb::model_error&) {
                    throw usage_error("unknown objective \"" + v +
                                      "\"; use budget, least-cost or max-effect");
                }
        } else if (o.command == "optimize" && is_option(a, "--objective")) {
            try {
                o.objective = zbb::parse_objective(option_value(args, i, "--objective"));
            } catch (const zbb::model_error& e) {
                throw usage_error(e.what());
            }
        } else if ((o.command == "optimize" || o.command == "packages" || o.command == "compare") &&
                   is_option(a, "--budget")) {
            try {
                o.budget_cap = zbb::decimal::parse(option_value(args, i, "--budget"),
                                                   {"option", "", "budget"});
            } catch (const std::exception& e) {
                throw usage_error(e.what());
            }
        } else if (o.command == "optimize" && is_option(a, "--area-cap")) {
            const std::string v = option_value(args, i, "--area-cap", "AREA=AMOUNT");
            const auto eq = v.rfind('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
                throw usage_error("--area-cap needs AREA=AMOUNT (\"D-warnsveld=30000.00\"), got '" +
                                  v + "'");
            zbb::area_cap cap;
            cap.area = v.substr(0, eq);
            try {
                cap.cap = zbb::decimal::parse(v.substr(eq + 1), {"option", cap.area, "area_caps"});
            } catch (const std::exception& e) {
                throw usage_error(e.what());
            }
            if (!o.area_caps) o.area_caps.emplace();
            o.area_caps->push_back(std::move(cap));
        } else if ((o.command == "optimize" || o.command == "packages" || o.command == "compare") &&
                   is_option(a, "--time-limit")) {
            const std::string v = option_value(args, i, "--time-limit");
            char* end = nullptr;
            // Plain decimal seconds only ("30", "0.5"): strtod alone would take "0x10", " 5",
            // "1e3".
            const bool plain =
                !v.empty() && v.find_first_not_of("0123456789.") == std::string::npos &&
                std::count(v.begin(), v.end(), '.') <= 1 && v.front() != '.' && v.back() != '.';
            o.time_limit = plain ? std::strtod(v.c_str(), &end) : 0.0;
            if (!plain || *end != '\0' || !std::isfinite(o.time_limit) || o.time_limit <= 0)
                throw usage_error("--time-limit needs a positive number of seconds, got '" + v +
                                  "'");
        } else if (a == "-" && o.path.empty() && o.command != "demo") {
            o.path = a;  // the model from standard input
        } else if (!a.empty() && a[0] == '-') {
            throw usage_error("unknown option '" + a + "'");
        } else if (o.path.empty() && o.command != "demo") {
            o.path = a;
        } else if (o.command == "compare" || o.command == "simulate") {
            o.variant_paths.push_back(a);
        } else {
            throw usage_error("unexpected argument '" + a + "'");
        }
    }
    if (o.command == "optimize" && o.budget_cap &&
        o.objective != zbb::optimize_objective::max_effect)
        throw usage_error("--budget applies to --objective max-effect");
    if (o.command == "optimize" && o.area_caps &&
        o.objective != zbb::optimize_objective::max_effect)
        throw usage_error("--area-cap applies to --objective max-effect");
    if (o.command == "compare") {
        if (o.budget_cap &&
            (o.compare_budget || o.objective != zbb::optimize_objective::max_effect))
            throw usage_error("--budget applies to --objective max-effect");
        if (o.time_limit > 0 && o.compare_budget)
            throw usage_error("--time-limit applies to --objective least-cost or max-effect");
        if (o.path.empty()) throw usage_error("compare needs a BASE.json argument");
        if (o.variant_paths.empty())
            throw usage_error("compare needs at least one VARIANT.json after BASE.json");
    }
    if ((o.command == "budget" || o.command == "validate" || o.command == "optimize" ||
         o.command == "bbv" || o.command == "packages" || o.command == "simulate") &&
        o.path.empty())
        throw usage_error(o.command + " needs a MODEL.json argument");
    if (o.command == "validate" && o.json) throw usage_error("validate takes no --json");
    if (!o.by.empty() && !o.prior.empty()) throw usage_error("--by and --prior exclude each other");
    if (!o.waterfall.empty() && o.prior.empty()) throw usage_error("--waterfall needs --prior");
    if (o.json && o.csv) throw usage_error("--json and --csv exclude each other");
    if (o.markdown && (o.json || o.csv)) throw usage_error("--markdown excludes --json and --csv");
    if (o.print_model && (!o.by.empty() || !o.prior.empty()))
        throw usage_error("demo --model prints the model itself; drop --by and --prior");
    if (o.print_model && (o.json || o.csv))
        throw usage_error("demo --model prints the model itself; drop --json");
    return o;
}

// The report is rendered only after the budget is computed and checked, and written in one go:
// a failure leaves stdout empty.
void print_budget(zbb::model m, const options& o) {
    const zbb::linked_model lm(std::move(m), o.link);
    const auto b = zbb::compute_budget(lm, o.budget);
    if (!o.by.empty() || !o.prior.empty()) {
        if (o.by == "area" && !lm.has_areas())
            zbb::detail::fail({"model", "", "areas"},
                              "--by area needs a model with an \"areas\" table");
        if (o.by == "year") {
            if (!lm.has_years())
                zbb::detail::fail({"model", "", "years"},
                                  "--by year needs a model with a multi-year estimate (\"years\")");
            const auto years_budget = zbb::compute_multi_year_budget(lm, o.budget);
            const std::string out = o.json  ? zbb::multi_year_report_json(lm, years_budget)
                                    : o.csv ? zbb::multi_year_report_csv(lm, years_budget)
                                            : zbb::multi_year_report_text(lm, years_budget);
            std::fwrite(out.data(), 1, out.size(), stdout);
            return;
        }
        const auto tables = zbb::compute_goal_tables(lm, b);
        std::string out;
        if (!o.by.empty()) {
            const auto area_table =
                o.by == "area" ? zbb::compute_goal_area_table(lm, b) : zbb::goal_table{};
            const auto bbv = o.by == "taakveld"
                                 ? std::optional<zbb::bbv_view>(zbb::compute_bbv(lm, b, tables))
                                 : std::nullopt;
            const auto& t = o.by == "area"       ? area_table
                            : o.by == "taakveld" ? bbv->goal_taakveld
                                                 : tables.of(o.by);
            out = o.json  ? zbb::goal_table_json(lm, b, t)
                  : o.csv ? zbb::goal_table_csv(b, t)
                          : zbb::goal_table_text(lm, b, t);
        } else {
            const auto prior = zbb::read_prior_file(o.prior, b.currency.minor_digits);
            const auto c = zbb::compare_prior(
                lm, b, tables, prior,
                o.waterfall.empty() ? std::nullopt : std::optional<std::string>(o.waterfall));
            out = o.json  ? zbb::prior_report_json(lm, b, c)
                  : o.csv ? zbb::prior_report_csv(c)
                          : zbb::budget_report_text(lm, b) + "\n" + zbb::prior_report_text(lm, c);
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        return;
    }
    if (lm.has_years()) {
        const auto years_budget = zbb::compute_multi_year_budget(lm, o.budget);
        const std::string out = o.json  ? zbb::budget_report_json(lm, b, years_budget)
                                : o.csv ? zbb::budget_report_csv(lm, b, years_budget)
                                        : zbb::budget_report_text(lm, b, years_budget);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return;
    }
    const std::string out = o.json  ? zbb::budget_report_json(lm, b)
                            : o.csv ? zbb::budget_report_csv(lm, b)
                                    : zbb::budget_report_text(lm, b);
    std::fwrite(out.data(), 1, out.size(), stdout);
}

// The BBV view of every year (zbb bbv): text, JSON, CSV or the Markdown programme report.
void print_bbv(zbb::model m, const options& o) {
    const zbb::linked_model lm(std::move(m), o.link);
    const auto e = zbb::compute_bbv_estimate(lm, o.budget);
    const std::string out = o.json       ? zbb::bbv_report_json(lm, e)
                            : o.csv      ? zbb::bbv_report_csv(lm, e)
                            : o.markdown ? zbb::programme_report_markdown(lm, e)
                                         : zbb::bbv_report_text(lm, e);
    std::fwrite(out.data(), 1, out.size(), stdout);
}

// Exit 0 with the plan; 3 (infeasible, explanation on stdout) or 4 (stopped) with one line on
// stderr.
int print_optimized(zbb::model m, const options& o) {
    const zbb::linked_model lm(std::move(m), o.link);
    zbb::optimize_options opt;
    opt.report = o.budget;
    opt.budget_cap = o.budget_cap;
    opt.area_caps = o.area_caps;
    opt.time_limit_seconds = o.time_limit;
    const auto r = zbb::optimize(lm, o.objective, opt);
    if (r.optimal() || r.status == zbb::optimize_status::infeasible || o.json) {
        const std::string out =
            o.json ? zbb::optimize_report_json(lm, r) : zbb::optimize_report_text(lm, r);
        std::fwrite(out.data(), 1, out.size(), stdout);
    }
    if (r.optimal()) return 0;
    std::fflush(stdout);
    std::fprintf(stderr, "zbb: %s: %s\n", std::string(zbb::to_string(r.status)).c_str(),
                 zbb::located_message({}, r.message).c_str());
    return r.status == zbb::optimize_status::infeasible ? 3 : 4;
}

// Exit 0 with the ranking and the proven optimal selection; 4 (one line on stderr) when the
// selection is not proven; the ranking is printed either way.
int print_packages(zbb::model m, const options& o) {
    const zbb::linked_model lm(std::move(m), o.link);
    zbb::packages_options opt;
    opt.budget = o.budget_cap;
    opt.rounding = o.budget.rounding;
    if (o.time_limit > 0) opt.time_limit_seconds = o.time_limit;
    const auto r = zbb::rank_packages(lm, opt);
    const std::string out =
        o.json ? zbb::packages_report_json(lm, r) : zbb::packages_report_text(lm, r);
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (r.optimal()) return 0;
    std::fflush(stdout);
    std::fprintf(stderr, "zbb: %s: %s\n", std::string(zbb::to_string(r.status)).c_str(),
                 zbb::located_message({}, r.message).c_str());
    return 4;
}

// The variant files of compare and simulate, read and named uniquely (never "base").
std::vector<zbb::variant> read_variants(const options& o) {
    std::vector<zbb::variant> variants;
    for (const auto& path : o.variant_paths) {
        variants.push_back(zbb::read_variant_file(path));
        const auto& name = variants.back().name;
        if (name == "base")
            throw zbb::model_error({"file", path, "name"},
                                   "\"base\" names the base model's column; give the variant "
                                   "another name");
        for (std::size_t i = 0; i + 1 < variants.size(); ++i)
            if (variants[i].name == name)
                throw zbb::model_error({"file", path, "name"},
                                       "variant name '" + name + "' is used by '" +
                                           o.variant_paths[i] +
                                           "' too; names in a comparison must be unique");
    }
    return variants;
}

// zbb compare: the base and its variants, one column each; exit 0 whatever the columns' statuses
// (a variant without an optimal plan is data). Variant names must be unique and never "base".
void print_compare(zbb::model m, const options& o) {
    const zbb::linked_model base(std::move(m), o.link);
    const auto variants = read_variants(o);
    zbb::compare_options copt;
    copt.reference = o.reference;
    copt.budget = o.budget;
    if (o.reference != "base" &&
        std::none_of(variants.begin(), variants.end(),
                     [&](const zbb::variant& v) { return v.name == o.reference; }))
        throw zbb::model_error({"option", "", "reference"}, "no variant is named '" + o.reference +
                                                                "'; use base or the name "
                                                                "of a variant");
    zbb::comparison c;
    if (o.compare_budget) {
        c = zbb::compare_budgets(base, variants, copt);
    } else {
        zbb::optimize_options opt;
        opt.report = o.budget;
        opt.budget_cap = o.budget_cap;
        opt.time_limit_seconds = o.time_limit;
        c = zbb::compare_optimized(base, variants, o.objective, opt, copt);
    }
    const std::string out = o.json  ? zbb::compare_report_json(c)
                            : o.csv ? zbb::compare_report_csv(c)
                                    : zbb::compare_report_text(c);
    std::fwrite(out.data(), 1, out.size(), stdout);
}

// zbb simulate: the base and its variants under the same draws; a progress line on stderr when
// it is a terminal.
void print_simulation(zbb::model m, const options& o) {
    const zbb::linked_model base(std::move(m), o.link);
    const auto variants = read_variants(o);
    zbb::simulate_options so = o.simulate;
    so.rounding = o.budget.rounding;
    const bool tty = isatty(STDERR_FILENO) == 1;
    if (tty)
        so.progress = [](std::uint64_t done, std::uint64_t all) {
            std::fprintf(stderr, "\rzbb simulate: %llu of %llu draws",
                         static_cast<unsigned long long>(done),
                         static_cast<unsigned long long>(all));
            std::fflush(stderr);
        };
    zbb::simulation s;
    try {
        s = zbb::simulate(base, variants, so);
    } catch (...) {
        if (tty) std::fputs("\n", stderr);
        throw;
    }
    if (tty) std::fputs("\n", stderr);
    const std::string out =
        o.json ? zbb::simulation_report_json(s) : zbb::simulation_report_text(s);
    std::fwrite(out.data(), 1, out.size(), stdout);
}

// The model named on the command line: a file, or standard input for "-".
zbb::model read_model(const std::string& path) {
    if (path != "-") return zbb::read_model_file(path);
    std::string text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) text.append(buf, n);
    if (std::ferror(stdin))
        throw zbb::model_error({"file", "-", ""}, "cannot read the model from standard input");
    return zbb::read_model_json(text, "-");
}

int run(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::fputs(full_usage().c_str(), stdout);
        return 0;
    }
    if (!args.empty() && args[0] == "help") {  // zbb help [COMMAND]
        if (args.size() == 1) {
            std::fputs(full_usage().c_str(), stdout);
            return 0;
        }
        const command_help* c = args.size() == 2 ? find_command(args[1]) : nullptr;
        if (!c) throw usage_error("help takes one command name, got '" + args.back() + "'");
        std::fputs(command_usage(*c).c_str(), stdout);
        return 0;
    }
    if (!args.empty() && find_command(args[0]))  // zbb COMMAND --help
        for (std::size_t i = 1; i < args.size(); ++i)
            if (args[i] == "--help" || args[i] == "-h") {
                std::fputs(command_usage(*find_command(args[0])).c_str(), stdout);
                return 0;
            }
    if (argc >= 2 && std::string(argv[1]) == "--version") {
        std::printf("zbb %s\n", zbb::version);
        return 0;
    }
    const options o = parse_args(argc, argv);
    if (o.command == "budget") {
        print_budget(read_model(o.path), o);
    } else if (o.command == "demo") {
        if (o.print_model) {
            std::fputs(zbb_cli::demo_model_json, stdout);
            return 0;
        }
        print_budget(zbb::read_model_json(zbb_cli::demo_model_json, "built-in example"), o);
    } else if (o.command == "bbv") {
        print_bbv(read_model(o.path), o);
    } else if (o.command == "optimize") {
        return print_optimized(read_model(o.path), o);
    } else if (o.command == "packages") {
        return print_packages(read_model(o.path), o);
    } else if (o.command == "compare") {
        print_compare(read_model(o.path), o);
    } else if (o.command == "simulate") {
        print_simulation(read_model(o.path), o);
    } else if (o.command == "validate") {
        const zbb::linked_model lm(read_model(o.path), o.link);
        (void)zbb::compute_budget(lm, o.budget);  // the plan's amounts must fit as well
        const auto& m = lm.source();
        std::printf(
            "%s: valid zbb-model/1 (%zu goals, %zu activities, %zu resources, %zu partners, "
            "%zu plan rows)\n",
            o.path.c_str(), m.goals.size(), m.activities.size(), m.resources.size(),
            m.partners.size(), m.plan.rows.size());
    } else {
        throw usage_error("unknown command '" + o.command + "'");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const usage_error& e) {
        std::fprintf(stderr, "zbb: usage error: %s (see zbb --help)\n", e.what());
        return 2;
    } catch (const std::bad_alloc&) {
        std::fputs("zbb: error: out of memory\n", stderr);
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zbb: error: %s\n", e.what());
        return 1;
    }
}
