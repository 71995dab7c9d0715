// Embedding zbb: read a model, compute its bottom-up budget, print the cost per goal.
#include <iostream>
#include <zbb/zbb.hpp>

int main(int argc, char** argv) try {
    if (argc != 2) return std::cerr << "usage: embed MODEL.json\n", 2;
    const zbb::linked_model model(zbb::read_model_file(argv[1]));
    const zbb::budget budget =
        zbb::compute_budget(model, {.rounding = zbb::rounding_mode::half_even});
    const int digits = budget.currency.minor_digits;
    for (std::size_t g = 0; g < budget.by_goal.keys.size(); ++g)
        std::cout << budget.by_goal.keys[g] << ": " << budget.by_goal.amounts[g].to_string(digits)
                  << "\n";
    std::cout << "Total: " << budget.currency.code << " " << budget.total.to_string(digits) << "\n";
} catch (const std::exception& e) {
    std::cerr << "embed: " << e.what() << "\n";
    return 1;
}
