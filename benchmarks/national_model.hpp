// A generated national-scale model for benchmarks: 100,000 activities, 10,000 resources, 1,000
// goals, about 1,000,000 consumption and 100,000 support non-zeros, with reciprocal loops among
// the support activities. Deterministic for a given seed.
#pragma once

#include <random>
#include <string>

#include "zbb/model.hpp"

namespace zbb_bench {

struct national_sizes {
    int activities = 100000;
    int resources = 10000;
    int goals = 1000;
    int partners = 50;
    int suppliers = 2000;  // support activities (the non-zero rows of S)
    int consumption_per_activity = 10;
    int support_nonzeros = 100000;
    int effects_per_activity = 2;
};

inline std::string make_id(char prefix, int n) {
    std::string s(1, prefix);
    s += std::to_string(n);
    return s;
}

inline zbb::model national_model(const national_sizes& n = {}, unsigned seed = 2026) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::uniform_int_distribution<int> any_resource(0, n.resources - 1), any_goal(0, n.goals - 1),
        any_activity(0, n.activities - 1), any_supplier(0, n.suppliers - 1),
        any_partner(0, n.partners - 1), cents(0, 99), euros(1, 250);
    auto q = [](double v, double step) { return std::round(v / step) * step; };
    zbb::model m;
    m.name = "national benchmark";
    for (int p = 0; p < n.partners; ++p) m.partners.push_back({make_id('P', p), ""});
    for (int g = 0; g < n.goals; ++g)
        m.goals.push_back({make_id('G', g), "", "", 100.0, 150.0, 1.0});
    const int first_supplier = n.activities - n.suppliers;
    m.activities.reserve(static_cast<std::size_t>(n.activities));
    for (int a = 0; a < n.activities; ++a) {
        zbb::activity act;
        act.id = make_id('A', a);
        act.partner = make_id('P', any_partner(rng));
        m.activities.push_back(std::move(act));
    }
    for (int r = 0; r < n.resources; ++r) {
        zbb::resource res;
        res.id = make_id('R', r);
        std::string price = std::to_string(euros(rng)) + "." + std::to_string(10 + cents(rng) % 90);
        res.price = zbb::decimal::parse(price, {});
        res.category = r % 3 == 0 ? "personnel" : (r % 3 == 1 ? "material" : "accommodation");
        m.resources.push_back(std::move(res));
    }
    m.consumption.reserve(static_cast<std::size_t>(n.activities) * n.consumption_per_activity);
    for (int a = 0; a < n.activities; ++a) {
        // distinct resources per activity: a stride walk from a random start
        int start = any_resource(rng);
        for (int k = 0; k < n.consumption_per_activity; ++k)
            m.consumption.push_back({m.activities[static_cast<std::size_t>(a)].id,
                                     make_id('R', (start + 97 * k) % n.resources),
                                     q(0.1 + 10 * u01(rng), 0.01)});
    }
    // Support: each supplier serves distinct consumers; about 10% of the rows go to other
    // suppliers (reciprocal loops), with per-unit amounts small enough that every column of S
    // restricted to the suppliers sums well below 1.
    const int per_supplier = n.support_nonzeros / n.suppliers;
    m.support.reserve(static_cast<std::size_t>(n.support_nonzeros));
    for (int s = 0; s < n.suppliers; ++s) {
        const auto& sid = m.activities[static_cast<std::size_t>(first_supplier + s)].id;
        int start = any_activity(rng);
        for (int k = 0; k < per_supplier; ++k) {
            int c;
            double v;
            if (k < per_supplier / 10) {  // to another supplier
                c = first_supplier + (s + 1 + k * 37) % n.suppliers;
                v = q(0.002 * u01(rng), 1e-5);
            } else {
                c = (start + 131 * k) % first_supplier;
                v = q(0.05 * u01(rng), 1e-4);
            }
            m.support.push_back({sid, m.activities[static_cast<std::size_t>(c)].id, v});
        }
    }
    for (int a = 0; a < first_supplier; ++a) {
        int g0 = any_goal(rng);
        for (int k = 0; k < n.effects_per_activity; ++k)
            m.effects.push_back({make_id('G', (g0 + 7 * k) % n.goals),
                                 m.activities[static_cast<std::size_t>(a)].id, q(u01(rng), 0.001)});
        m.plan.rows.push_back({make_id('G', g0), m.activities[static_cast<std::size_t>(a)].id,
                               q(1 + 100 * u01(rng), 0.5)});
    }
    for (int a = 0; a < n.activities; a += 3) {
        int p0 = any_partner(rng), p1 = (p0 + 1) % n.partners;
        m.funding.push_back({m.activities[static_cast<std::size_t>(a)].id, make_id('P', p0),
                             zbb::decimal::parse("0.65", {})});
        m.funding.push_back({m.activities[static_cast<std::size_t>(a)].id, make_id('P', p1),
                             zbb::decimal::parse("0.35", {})});
    }
    return m;
}

}  // namespace zbb_bench
