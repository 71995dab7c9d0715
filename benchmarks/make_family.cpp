// Writes a member of the benchmark family (benchmarks/family.hpp) as a zbb-model/1 file:
//   make_family MEMBER ACTIVITIES OUT.json [SEED]
// e.g. `make_family b 100000 /tmp/b.json` writes the 86 MB reciprocal-web model.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>

#include "family.hpp"
#include "zbb/io.hpp"

int main(int argc, char** argv) {
    if (argc < 4 || argc > 5 || std::string(argv[1]).size() != 1) {
        std::fputs("usage: make_family MEMBER(a-f) ACTIVITIES OUT.json [SEED]\n", stderr);
        return 2;
    }
    try {
        zbb_bench::family_sizes sizes;
        sizes.activities = std::atoi(argv[2]);
        const unsigned seed = argc == 5 ? static_cast<unsigned>(std::atoi(argv[4])) : 2026u;
        const zbb::model m = zbb_bench::family_model(argv[1][0], sizes, seed);
        std::ofstream out(argv[3], std::ios::binary);
        const std::string text = zbb::write_model_json(m);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out) throw std::runtime_error(std::string("cannot write ") + argv[3]);
        std::printf("%s: %s, %zu activities, %zu support rows, %zu bytes\n", argv[3],
                    m.name.c_str(), m.activities.size(), m.support.size(), text.size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_family: %s\n", e.what());
        return 1;
    }
    return 0;
}
