// Embedding zbb's optimiser: read a model, find the least-cost plan that reaches every target.
#include <iostream>
#include <zbb/optimize.hpp>
#include <zbb/zbb.hpp>

int main(int argc, char** argv) try {
    if (argc != 2) return std::cerr << "usage: embed_optimize MODEL.json\n", 2;
    const zbb::linked_model model(zbb::read_model_file(argv[1]));
    const zbb::optimize_result plan = zbb::least_cost(model);
    std::cout << "Status: " << zbb::to_string(plan.status) << "\n";
    if (!plan.budget) return 3;
    const int digits = plan.budget->currency.minor_digits;
    std::cout << "Least-cost total: " << plan.budget->currency.code << " "
              << plan.budget->total.to_string(digits) << "\n";
} catch (const std::exception& e) {
    std::cerr << "embed_optimize: " << e.what() << "\n";
    return 1;
}
