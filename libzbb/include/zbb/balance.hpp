// zbb/balance.hpp - the sluitend check of the multi-year estimate: per year, the costs against
// the partner contributions and the municipality's stated income (general grant, levies, other),
// structural and incidental apart, and by how much each year falls short.
//
// A year's costs are its budget's total, split into structural and incidental by the activities
// (years.incidental lists the incidental ones; by_activity amounts, exact). The other partners
// cover their funding shares (by_partner); the municipality (years.municipality) must cover its
// share with its income. The municipality's and each partner's amount are split into structural
// and incidental by a table rounded both ways (rows: the two natures with the exact cost split;
// columns: the partners with their exact by_partner amounts), so every figure cross-foots with
// the budget to the cent. As in the goal tables, a cell may in rare cases have to leave the floor
// or ceiling of its value for both margins to hold (counted in off_bound). A year is structurally
// balanced (structureel sluitend) when its structural income covers the municipality's structural
// share; incidental costs may be covered by incidental income (or reserves, which zbb does not
// model).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "zbb/budget.hpp"
#include "zbb/goal_tables.hpp"
#include "zbb/linked_model.hpp"
#include "zbb/money.hpp"

namespace zbb {

/// The kinds of stated income (years.income kind), in report order.
inline constexpr const char* income_kinds[] = {"general_grant", "levies", "other"};
/// The natures of costs and income, in report order.
inline constexpr const char* natures[] = {"structural", "incidental"};

/// A structural and an incidental amount.
struct nature_split {
    money structural;
    money incidental;
    money total() const { return structural + incidental; }
};

/// One year of the sluitend check. Every figure is exact: costs = contributions + municipality,
/// balance = income - municipality, shortfall = max(0, -balance), each for both natures.
struct year_balance {
    int year = 0;
    nature_split costs;          ///< the year's budget total, by the activities' nature
    nature_split contributions;  ///< the other partners' funding shares
    nature_split municipality;   ///< the municipality's funding share
    nature_split income[3];      ///< per income kind (income_kinds order)
    nature_split income_total;   ///< the three kinds together
    nature_split balance;        ///< income_total - municipality (negative: a shortfall)
    /// Per nature what is missing: structural max(0, -balance.structural); incidental what the
    /// incidental balance lacks after a structural surplus: max(0, -(balance.incidental +
    /// max(0, balance.structural))).
    nature_split shortfall;
    /// shortfall.structural + shortfall.incidental: a structural surplus may cover incidental
    /// costs, incidental income never covers a structural gap.
    money shortfall_total;
    /// Cells of the nature x partner split that are not the floor or ceiling of their value (0
    /// unless the natures' and partners' amounts, each rounded on its own, cannot both be met
    /// that way; as goal_table::off_bound).
    std::size_t off_bound = 0;
    /// Structurally balanced (structureel sluitend): the structural income covers the
    /// municipality's structural share.
    bool structurally_balanced() const { return balance.structural >= money{}; }
};

namespace detail {

// The nature x partner table of budget `b`: rows structural and incidental with the exact cost
// split `costs`, columns the partners with their by_partner amounts.
inline goal_table nature_partner_table(const linked_model& lm, const budget& b,
                                       const std::vector<bool>& incidental,
                                       const nature_split& costs) {
    const auto& shares = lm.funding_shares();  // partner x activity
    const std::size_t np = b.by_partner.amounts.size();
    std::vector<std::vector<std::pair<int, double>>> values(np);
    std::vector<double> v(2 * np, 0.0);
    for (Eigen::Index a = 0; a < shares.outerSize(); ++a) {
        const double own = b.by_activity.values[static_cast<std::size_t>(a)];
        const std::size_t n = incidental[static_cast<std::size_t>(a)] ? 1 : 0;
        for (sparse_matrix::InnerIterator it(shares, a); it; ++it)
            v[2 * static_cast<std::size_t>(it.row()) + n] += it.value() * own;
    }
    for (std::size_t p = 0; p < np; ++p)
        for (int n = 0; n < 2; ++n)
            if (v[2 * p + static_cast<std::size_t>(n)] != 0)
                values[p].push_back({n, v[2 * p + static_cast<std::size_t>(n)]});
    breakdown rows;
    rows.keys = key_list(std::vector<std::string>{natures[0], natures[1]});
    rows.amounts = {costs.structural, costs.incidental};
    goal_table t;
    t.kind = "partner";
    t.goals = rows.keys;
    t.columns = b.by_partner.keys;
    t.rows.resize(2);
    round_goal_table(t, values, rows, b.by_partner);
    return t;
}

}  // namespace detail

/// The sluitend check of one year's budget `b` (computed on the year's model) for `year` of the
/// estimate of `lm` (the model with years; its municipality, incidental activities and income).
/// Throws std::invalid_argument for a model without years, a year outside its estimate and a
/// budget that is not of the model's activities and partners.
inline year_balance compute_year_balance(const linked_model& lm, const budget& b, int year) {
    if (!lm.has_years())
        throw std::invalid_argument("zbb: the model has no multi-year estimate (\"years\")");
    if (year < lm.years()->budget_year || year > lm.years()->last_year)
        throw std::invalid_argument("zbb: year " + std::to_string(year) +
                                    " is outside the model's estimate");
    const auto activities = static_cast<std::size_t>(lm.activities().size());
    if (b.by_activity.amounts.size() != activities || b.by_activity.values.size() != activities ||
        b.by_partner.amounts.size() != static_cast<std::size_t>(lm.partners().size()))
        throw std::invalid_argument(
            "zbb: compute_year_balance needs a budget of the model's activities and partners");
    const multi_year& y = *lm.years();
    year_balance out;
    out.year = year;
    std::vector<bool> incidental(b.by_activity.amounts.size(), false);
    for (const auto& i : y.incidental) {
        const auto a = lm.activities().find(i.activity);
        if (a >= 0) incidental[static_cast<std::size_t>(a)] = true;
    }
    for (std::size_t a = 0; a < incidental.size(); ++a)
        (incidental[a] ? out.costs.incidental : out.costs.structural) += b.by_activity.amounts[a];
    const int muni = y.municipality.empty() ? -1 : lm.partners().find(y.municipality);
    if (out.costs.total() != money{}) {
        const goal_table t = detail::nature_partner_table(lm, b, incidental, out.costs);
        for (std::size_t p = 0; p < b.by_partner.amounts.size(); ++p) {
            nature_split& into = static_cast<int>(p) == muni ? out.municipality : out.contributions;
            into.structural += t.amount(0, p);
            into.incidental += t.amount(1, p);
        }
        out.off_bound = t.off_bound;
    }
    const int digits = lm.currency().minor_digits;
    for (const auto& line : y.income) {
        if (line.year != year) continue;
        std::size_t k = 0;
        while (k < 3 && line.kind != income_kinds[k]) ++k;
        if (k == 3) continue;  // refused when linking
        const money m = money::from_minor(line.amount.units_at_scale(digits));
        const bool incidental_line = line.nature == "incidental";
        (incidental_line ? out.income[k].incidental : out.income[k].structural) += m;
        (incidental_line ? out.income_total.incidental : out.income_total.structural) += m;
    }
    out.balance.structural = out.income_total.structural - out.municipality.structural;
    out.balance.incidental = out.income_total.incidental - out.municipality.incidental;
    const auto short_of = [](const money& balance) {
        return balance < money{} ? money{} - balance : money{};
    };
    out.shortfall.structural = short_of(out.balance.structural);
    const money surplus =
        out.balance.structural > money{} ? out.balance.structural : money{};  // covers incidental
    out.shortfall.incidental = short_of(out.balance.incidental + surplus);
    out.shortfall_total = out.shortfall.structural + out.shortfall.incidental;
    return out;
}

/// One line of the balance as reports show it: its key ("costs/structural"), its label and its
/// amount in a year.
struct balance_line {
    std::string key;
    std::string label;
    money amount;
};

/// The lines of a year's balance in report order: costs, the other partners' contributions, the
/// municipality's share, each income kind and the income in all, the balance and the shortfall,
/// each structural, incidental and (for costs, balance and shortfall) in all.
inline std::vector<balance_line> balance_lines(const year_balance& b) {
    std::vector<balance_line> out;
    auto both = [&](const std::string& key, const std::string& label, const nature_split& s,
                    bool with_total) {
        out.push_back({key + "/structural", label + ", structural", s.structural});
        out.push_back({key + "/incidental", label + ", incidental", s.incidental});
        if (with_total) out.push_back({key + "/total", label, s.total()});
    };
    both("costs", "costs", b.costs, true);
    both("contributions", "other partners' contributions", b.contributions, false);
    both("municipality", "municipality's share", b.municipality, false);
    const char* labels[] = {"general grant", "levies", "other income"};
    for (std::size_t k = 0; k < 3; ++k)
        both(std::string("income.") + income_kinds[k], labels[k], b.income[k], false);
    both("income", "income", b.income_total, true);
    both("balance", "balance (income - municipality's share)", b.balance, true);
    out.push_back({"shortfall/structural", "shortfall, structural", b.shortfall.structural});
    out.push_back({"shortfall/incidental", "shortfall, incidental", b.shortfall.incidental});
    out.push_back({"shortfall/total", "shortfall", b.shortfall_total});
    return out;
}

}  // namespace zbb
