import CaravanFlows
/// Makes vacancies at Russian employers from the same roles, so that candidates and vacancies meet.
struct VacancyGenerator {
    let seed: UInt64
    let catalog: SkillCatalog

    private static let workPlaces = Weighted<String>([("onSite", 40), ("hybrid", 30), ("remote", 30)])
    /// Most employers state no Russian requirement or B1; client-facing and government work asks more.
    private static let minimumRussian = Weighted<Int?>([(nil, 40), (3, 30), (4, 20), (5, 10)])
    private static let citizenships = ["uz", "tj", "kg", "kz", "am", "by", "ru"]
    private static let minimumYears = [0, 2, 4, 6]

    func vacancy(_ index: Int) -> VacancyRecord {
        var rng = SplitMix64.forItem(seed: seed, stream: 2, index: index)
        let role = Roles.all[Roles.weighted.sample(&rng)]
        let level = ProfileGenerator.levels.sample(&rng)
        var drawn = ProfileGenerator.drawSkills(role, &rng)
        // Employers ask for the core of the stack and list the rest as a plus.
        let requiredCount = min(drawn.count, rng.int(in: 2...5))
        let required = drawn.prefix(requiredCount).enumerated().map { position, id in
            (skill: id, level: min(4, max(1, level + (position == 0 ? 2 : 1))))
        }
        drawn.removeFirst(requiredCount)
        let niceToHave = Array(drawn.prefix(rng.int(in: 0...3)))

        var eligible: [String]?
        if rng.chance(0.2) {
            // An employer whose quota or accreditation covers only some citizenships.
            eligible = Self.citizenships.filter { _ in rng.chance(0.6) }
            if eligible!.isEmpty { eligible = ["ru"] }
        }
        let english = rng.chance(0.2)
        let main = Phrases.objects[rng.pick(role.objects)]!
        let names = required.map { catalog.english($0.skill) }
        let noun = rng.pick(role.nounsRU)
        let description = english
            ? "We are looking for a \(rng.pick(role.nounsEN)) to build \(main.english). "
                + "Required: \(names.joined(separator: ", "))."
            : "Ищем \(noun.genitive) для разработки \(main.genitive). "
                + "Требуется опыт работы с \(names.joined(separator: ", "))."
        var salaryRNG = rng
        return VacancyRecord(
            id: "v" + String(index),
            title: ProfileGenerator.title(role: role, level: level, english: english, &rng),
            role: role.id, isco: role.isco, city: Geography.russianCities.sample(&rng),
            workPlace: Self.workPlaces.sample(&rng), relocationSupport: rng.chance(0.5),
            required: required, niceToHave: niceToHave, minimumYears: Self.minimumYears[level],
            minimumRussian: Self.minimumRussian.sample(&rng),
            salaryMax: ProfileGenerator.salary(role: role, level: level, inRussia: true, &salaryRNG),
            eligibleCitizenships: eligible, description: description)
    }
}
