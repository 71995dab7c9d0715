#pragma once
/// @file
/// The code lists of the Dutch municipal BBV view, shipped as data: the taakvelden (task fields,
/// 0.1 up to 8.3) and the Iv3 economic categories of costs (lasten). Models name codes from these
/// lists (activity field "taakveld", resource field "economic_category"); zbb/bbv.hpp books the
/// budget on them. The lists change with the regulation; docs/bbv.md says which version they are.

#include <array>
#include <string_view>

namespace zbb {

/// One entry of a code list: the code ("6.1") and its Dutch name.
struct bbv_code {
    std::string_view code;
    std::string_view name;
};

/// The taakveld every support activity is booked on unless it names another: 0.4 Overhead (since
/// the 2017 revision of the BBV overhead is shown apart from the programmes).
inline constexpr std::string_view overhead_taakveld = "0.4";

/// The 53 taakvelden of municipalities, in the order of the regulation (names after the changes
/// of 2020: 6.2 "Toegang en eerstelijnsvoorzieningen", 6.4 "WSW en beschut werk").
inline constexpr std::array<bbv_code, 53> taakvelden{{
    {"0.1", "Bestuur"},
    {"0.2", "Burgerzaken"},
    {"0.3", "Beheer overige gebouwen en gronden"},
    {"0.4", "Overhead"},
    {"0.5", "Treasury"},
    {"0.61", "OZB woningen"},
    {"0.62", "OZB niet-woningen"},
    {"0.63", "Parkeerbelasting"},
    {"0.64", "Belastingen overig"},
    {"0.7", "Algemene uitkering en overige uitkeringen gemeentefonds"},
    {"0.8", "Overige baten en lasten"},
    {"0.9", "Vennootschapsbelasting (VpB)"},
    {"0.10", "Mutaties reserves"},
    {"0.11", "Resultaat van de rekening van baten en lasten"},
    {"1.1", "Crisisbeheersing en brandweer"},
    {"1.2", "Openbare orde en veiligheid"},
    {"2.1", "Verkeer en vervoer"},
    {"2.2", "Parkeren"},
    {"2.3", "Recreatieve havens"},
    {"2.4", "Economische havens en waterwegen"},
    {"2.5", "Openbaar vervoer"},
    {"3.1", "Economische ontwikkeling"},
    {"3.2", "Fysieke bedrijfsinfrastructuur"},
    {"3.3", "Bedrijvenloket en bedrijfsregelingen"},
    {"3.4", "Economische promotie"},
    {"4.1", "Openbaar basisonderwijs"},
    {"4.2", "Onderwijshuisvesting"},
    {"4.3", "Onderwijsbeleid en leerlingzaken"},
    {"5.1", "Sportbeleid en activering"},
    {"5.2", "Sportaccommodaties"},
    {"5.3", "Cultuurpresentatie, cultuurproductie en cultuurparticipatie"},
    {"5.4", "Musea"},
    {"5.5", "Cultureel erfgoed"},
    {"5.6", "Media"},
    {"5.7", "Openbaar groen en (openlucht) recreatie"},
    {"6.1", "Samenkracht en burgerparticipatie"},
    {"6.2", "Toegang en eerstelijnsvoorzieningen"},
    {"6.3", "Inkomensregelingen"},
    {"6.4", "WSW en beschut werk"},
    {"6.5", "Arbeidsparticipatie"},
    {"6.6", "Maatwerkvoorzieningen (WMO)"},
    {"6.71", "Maatwerkdienstverlening 18+"},
    {"6.72", "Maatwerkdienstverlening 18-"},
    {"6.81", "Geëscaleerde zorg 18+"},
    {"6.82", "Geëscaleerde zorg 18-"},
    {"7.1", "Volksgezondheid"},
    {"7.2", "Riolering"},
    {"7.3", "Afval"},
    {"7.4", "Milieubeheer"},
    {"7.5", "Begraafplaatsen en crematoria"},
    {"8.1", "Ruimtelijke ordening"},
    {"8.2", "Grondexploitatie (niet bedrijventerreinen)"},
    {"8.3", "Wonen en bouwen"},
}};

/// The Iv3 economic categories of costs (lasten), in the order of the Iv3 overview of economic
/// categories as municipal programme budgets publish it.
inline constexpr std::array<bbv_code, 35> economic_categories{{
    {"1.1", "Salarissen en sociale lasten"},
    {"2.1", "Belastingen"},
    {"3.1", "Grond"},
    {"3.2", "Duurzame goederen"},
    {"3.3", "Pachten"},
    {"3.4.1", "Sociale uitkeringen in natura"},
    {"3.5.1", "Ingeleend personeel"},
    {"3.8", "Overige goederen en diensten"},
    {"4.1.1", "Sociale uitkeringen in geld"},
    {"4.2", "Subsidies"},
    {"4.3.1", "Inkomensoverdrachten - Rijk"},
    {"4.3.2", "Inkomensoverdrachten - gemeenten"},
    {"4.3.3", "Inkomensoverdrachten - gemeenschappelijke regelingen"},
    {"4.3.4", "Inkomensoverdrachten - provincies"},
    {"4.3.5", "Inkomensoverdrachten - waterschappen"},
    {"4.3.6", "Inkomensoverdrachten - overige overheden"},
    {"4.3.7", "Inkomensoverdrachten - Europese Unie"},
    {"4.3.8", "Inkomensoverdrachten - overige instellingen en personen"},
    {"4.3.9", "Inkomensoverdrachten - onverdeeld"},
    {"4.4.1", "Kapitaaloverdrachten - Rijk"},
    {"4.4.2", "Kapitaaloverdrachten - gemeenten"},
    {"4.4.3", "Kapitaaloverdrachten - gemeenschappelijke regelingen"},
    {"4.4.4", "Kapitaaloverdrachten - provincies"},
    {"4.4.5", "Kapitaaloverdrachten - waterschappen"},
    {"4.4.6", "Kapitaaloverdrachten - overige overheden"},
    {"4.4.7", "Kapitaaloverdrachten - Europese Unie"},
    {"4.4.8", "Kapitaaloverdrachten - overige instellingen en personen"},
    {"4.4.9", "Kapitaaloverdrachten - onverdeeld"},
    {"5.1", "Rente"},
    {"6.1", "Financiële transacties"},
    {"7.1", "Mutaties reserves"},
    {"7.2", "Mutaties voorzieningen"},
    {"7.3", "Afschrijvingen"},
    {"7.4", "Toegerekende reële en bespaarde rente"},
    {"7.5", "Overige verrekeningen"},
}};

/// The position of `code` in a code list, -1 when it is not in it.
template <std::size_t N>
constexpr int bbv_code_index(const std::array<bbv_code, N>& list, std::string_view code) {
    for (std::size_t i = 0; i < N; ++i)
        if (list[i].code == code) return static_cast<int>(i);
    return -1;
}

}  // namespace zbb
