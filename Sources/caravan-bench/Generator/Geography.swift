import CaravanFlows
/// Where specialists live and what their Russian is like, per country of citizenship.
struct CountryProfile: Sendable {
    let code: String
    /// City slugs (the facet value) with weights roughly by population and IT activity.
    let cities: Weighted<String>
    /// CEFR level index 1 (A1) … 6 (C2), weighted: Russian is an official language in Belarus,
    /// Kazakhstan and Kyrgyzstan, and much less spoken by the young in Uzbekistan and Tajikistan.
    let russianLevels: Weighted<Int>
    /// Share of this country's specialists already living in Russia (city then is a Russian one).
    let livingInRussia: Double
}

enum Geography {
    /// Nationality of a generated specialist: mostly the programme's focus countries.
    static let nationalities = Weighted<Nationality>([
        (.uzbek, 30), (.tajik, 14), (.kyrgyz, 14), (.kazakh, 14), (.armenian, 8), (.belarusian, 10), (.russian, 10),
    ])

    static let russianCities = Weighted<String>([
        ("moscow", 40), ("saint-petersburg", 20), ("kazan", 8), ("novosibirsk", 8), ("yekaterinburg", 8),
        ("nizhny-novgorod", 5), ("krasnodar", 5), ("innopolis", 2), ("tomsk", 4),
    ])

    static func country(_ code: String) -> CountryProfile { countries[code]! }

    private static let countries: [String: CountryProfile] = [
        "uz": CountryProfile(
            code: "uz",
            cities: Weighted([("tashkent", 60), ("samarkand", 10), ("bukhara", 6), ("namangan", 6), ("andijan", 6),
                              ("fergana", 6), ("nukus", 3), ("karshi", 3)]),
            russianLevels: Weighted([(1, 5), (2, 15), (3, 30), (4, 28), (5, 15), (6, 7)]), livingInRussia: 0.15),
        "tj": CountryProfile(
            code: "tj",
            cities: Weighted([("dushanbe", 65), ("khujand", 20), ("bokhtar", 8), ("kulob", 7)]),
            russianLevels: Weighted([(1, 6), (2, 18), (3, 30), (4, 26), (5, 14), (6, 6)]), livingInRussia: 0.2),
        "kg": CountryProfile(
            code: "kg",
            cities: Weighted([("bishkek", 70), ("osh", 20), ("karakol", 5), ("jalal-abad", 5)]),
            russianLevels: Weighted([(2, 4), (3, 12), (4, 30), (5, 32), (6, 22)]), livingInRussia: 0.15),
        "kz": CountryProfile(
            code: "kz",
            cities: Weighted([("almaty", 45), ("astana", 30), ("shymkent", 8), ("karaganda", 7), ("aktobe", 5),
                              ("pavlodar", 5)]),
            russianLevels: Weighted([(3, 5), (4, 15), (5, 35), (6, 45)]), livingInRussia: 0.1),
        "am": CountryProfile(
            code: "am",
            cities: Weighted([("yerevan", 85), ("gyumri", 10), ("vanadzor", 5)]),
            russianLevels: Weighted([(2, 5), (3, 20), (4, 35), (5, 28), (6, 12)]), livingInRussia: 0.12),
        "by": CountryProfile(
            code: "by",
            cities: Weighted([("minsk", 70), ("gomel", 8), ("brest", 7), ("grodno", 7), ("vitebsk", 4),
                              ("mogilev", 4)]),
            russianLevels: Weighted([(5, 10), (6, 90)]), livingInRussia: 0.2),
        "ru": CountryProfile(
            code: "ru", cities: russianCities, russianLevels: Weighted([(6, 1)]), livingInRussia: 1),
    ]
}
