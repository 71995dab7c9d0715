// Random valid models for property tests.
#pragma once

#include <random>
#include <string>

#include "zbb/model.hpp"

namespace zbb_test {

struct gen_sizes {
    int goals = 4, activities = 20, resources = 8, partners = 3, suppliers = 4;
};

/// "A12" without the GCC 12 -Wrestrict false positive of "A" + std::to_string(12).
inline std::string id(char prefix, int n) {
    std::string s(1, prefix);
    s += std::to_string(n);
    return s;
}

inline std::string price_text(std::mt19937_64& rng) {
    std::uniform_int_distribution<int> whole(0, 5000), cents(0, 9999), scale(0, 4);
    int s = scale(rng);
    std::string t = std::to_string(whole(rng));
    if (s > 0) {
        std::string frac = std::to_string(cents(rng));
        frac.insert(0, 4 - frac.size(), '0');
        t += "." + frac.substr(0, static_cast<std::size_t>(s));
    }
    return t;
}

/// A valid model: suppliers form reciprocal loops whose column sums stay below 0.6, so the spectral
/// radius of S is below 1; every activity has an executing partner, some have split funding.
inline zbb::model generate_model(std::mt19937_64& rng, const gen_sizes& n) {
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    auto q = [](double v, double step) { return std::round(v / step) * step; };
    zbb::model m;
    m.name = "generated";
    for (int p = 0; p < n.partners; ++p) m.partners.push_back({id('P', p), ""});
    for (int g = 0; g < n.goals; ++g)
        m.goals.push_back(
            {id('G', g), "", "", q(u01(rng) * 100, 1), q(u01(rng) * 200, 1), q(u01(rng) * 3, 0.5)});
    for (int a = 0; a < n.activities; ++a) {
        zbb::activity act;
        act.id = id('A', a);
        act.partner = id('P', a % n.partners);
        m.activities.push_back(act);
    }
    for (int r = 0; r < n.resources; ++r) {
        zbb::resource res;
        res.id = id('R', r);
        res.price = zbb::decimal::parse(price_text(rng), {});
        res.category = r % 2 ? "personnel" : "material";
        m.resources.push_back(res);
    }
    for (int a = 0; a < n.activities; ++a)
        for (int r = 0; r < n.resources; ++r)
            if (u01(rng) < 0.4 || r == a % n.resources)
                m.consumption.push_back({id('A', a), id('R', r), q(u01(rng) * 20, 0.001)});
    // Suppliers are the last n.suppliers activities.
    const int first_supplier = n.activities - n.suppliers;
    for (int s = first_supplier; s < n.activities; ++s)
        for (int c = 0; c < n.activities; ++c) {
            bool among = c >= first_supplier;
            if (u01(rng) < (among ? 0.5 : 0.3))
                m.support.push_back(
                    {id('A', s), id('A', c),
                     among ? q(u01(rng) * 0.6 / n.suppliers, 0.0001) : q(u01(rng) * 0.5, 0.001)});
        }
    for (int a = 0; a < n.activities; a += 3) {
        if (n.partners < 2) break;
        // shares 0.3 / 0.7 or 0.125 / 0.875
        bool alt = (a / 3) % 2;
        m.funding.push_back({id('A', a), "P0", zbb::decimal::parse(alt ? "0.125" : "0.3", {})});
        m.funding.push_back({id('A', a), "P1", zbb::decimal::parse(alt ? "0.875" : "0.70", {})});
    }
    for (int g = 0; g < n.goals; ++g)
        for (int a = 0; a < first_supplier; ++a) {
            if (u01(rng) < 0.5)
                m.effects.push_back({id('G', g), id('A', a), q(u01(rng) * 2 - 0.5, 0.01)});
            if (u01(rng) < 0.3)
                m.plan.rows.push_back({id('G', g), id('A', a), q(u01(rng) * 500, 0.5)});
        }
    return m;
}

}  // namespace zbb_test
