import CaravanFlows
/// Makes specialists: who they are, where they live, what they know and how they describe it.
/// Each profile depends only on (seed, index), so any slice of a large corpus can be regenerated.
struct ProfileGenerator {
    let seed: UInt64
    let catalog: SkillCatalog

    static let levels = Weighted<Int>([(0, 25), (1, 40), (2, 28), (3, 7)])
    static let levelNames = ["junior", "middle", "senior", "lead"]
    static let levelTitles = ["Junior", "Middle", "Senior", "Lead"]
    private static let yearsByLevel = [0...2, 2...5, 5...10, 8...16]
    private static let salaryFactor = [0.5, 1.0, 1.5, 1.9]
    /// 2025-01-01 in days since 1970: availability dates spread over the following eight months.
    static let firstAvailableDay = 20_089

    func profile(_ index: Int) -> ProfileRecord {
        var rng = SplitMix64.forItem(seed: seed, stream: 1, index: index)
        let nationality = Geography.nationalities.sample(&rng)
        let country = Geography.country(nationality.country)
        let male = rng.chance(0.72)
        let pool = nationality.names
        let first = rng.pick(male ? pool.male : pool.female)
        let last = male ? rng.pick(pool.surnames) : Names.feminine(rng.pick(pool.surnames))
        let latin = rng.chance(nationality.latinShare)
        let name = latin ? pool.latin[first]! + " " + pool.latin[last]! : first + " " + last

        let inRussia = rng.chance(country.livingInRussia)
        let city = inRussia ? Geography.russianCities.sample(&rng) : country.cities.sample(&rng)
        let role = Roles.all[Roles.weighted.sample(&rng)]
        let level = Self.levels.sample(&rng)
        let years = rng.int(in: Self.yearsByLevel[level])
        let english = rng.chance(latin ? 0.55 : 0.3)

        var skillIDs = Self.drawSkills(role, &rng)
        // A third of people list something off their role's beaten track (a hobby language, an old job's tool).
        if rng.chance(0.35) {
            for _ in 0..<rng.int(in: 1...2) {
                let extra = rng.pick(catalog.allIDs)
                if !skillIDs.contains(extra) { skillIDs.append(extra) }
            }
        }
        let skillLevels = skillIDs.indices.map { position in
            // The role's first skill is the one they use every day: a level above the rest.
            min(4, max(1, level + (position == 0 ? 2 : 1) + rng.int(in: -1...0)))
        }
        let names = skillIDs.map { id in
            !english && rng.chance(0.5) ? catalog.russian(id) : catalog.english(id)
        }
        let relocation = rng.chance(inRussia ? 0.2 : 0.6)
        let remote = rng.chance(0.55)
        let salary = Self.salary(role: role, level: level, inRussia: inRussia, &rng)

        var writer = SummaryWriter(rng: rng, role: role, skills: names, male: male, years: years)
        let summary = english
            ? writer.english(lead: level == 3, relocation: relocation && !inRussia, remote: remote)
            : writer.russian(lead: level == 3, relocation: relocation && !inRussia, remote: remote)
        rng = writer.rng

        return ProfileRecord(
            id: "p" + String(index), name: name, gender: male ? "m" : "f",
            citizenship: nationality.country, country: inRussia ? "ru" : nationality.country, city: city,
            role: role.id, isco: role.isco, level: Self.levelNames[level], years: years,
            russianLevel: country.russianLevels.sample(&rng), salary: salary,
            relocation: relocation, remote: remote,
            availableFrom: Self.firstAvailableDay + rng.below(240),
            language: english ? "en" : "ru",
            title: Self.title(role: role, level: level, english: english != rng.chance(0.15), &rng),
            skills: names.joined(separator: ", "), skillIDs: skillIDs, skillLevels: skillLevels,
            summary: summary)
    }

    /// One option per slot that fires, without repeats, in slot order (the role's core skills first).
    static func drawSkills(_ role: Role, _ rng: inout SplitMix64) -> [String] {
        var chosen: [String] = []
        for slot in role.slots where rng.chance(slot.probability) {
            let id = slot.options.sample(&rng)
            if !chosen.contains(id) { chosen.append(id) }
        }
        if chosen.isEmpty { chosen.append(role.slots[0].options.items[0]) }
        return chosen
    }

    static func salary(role: Role, level: Int, inRussia: Bool, _ rng: inout SplitMix64) -> Int {
        let noise = 0.8 + 0.45 * rng.unit()
        let value = Double(role.salary) * salaryFactor[level] * (inRussia ? 1.0 : 0.75) * noise
        return Int(value / 5000).advanced(by: 1) * 5000
    }

    /// A title in the profile's language, half the time with a grade: "Senior Java Developer",
    /// "Middle Python-разработчик" (Russian CVs use the English grades too).
    static func title(role: Role, level: Int, english: Bool, _ rng: inout SplitMix64) -> String {
        let base = rng.pick(english ? role.titlesEN : role.titlesRU)
        guard rng.chance(0.5) else { return base }
        // "Senior разработчик 1С", not "Senior Разработчик 1С": the grade now starts the title.
        let startsCyrillic = base.unicodeScalars.first.map { (0x400...0x4FF).contains($0.value) } ?? false
        return levelTitles[level] + " " + (startsCyrillic ? base.prefix(1).lowercased() + base.dropFirst() : base)
    }
}

/// Summaries from templates, with the Russian words inflected as the sentence needs
/// ("разрабатывала микросервисы", "опыт разработки микросервисов", "работаю с микросервисами").
struct SummaryWriter {
    var rng: SplitMix64
    let role: Role
    let skills: [String]
    let male: Bool
    let years: Int

    private mutating func skill() -> String { rng.pick(skills) }

    /// Two different skills where the profile has them.
    private mutating func twoSkills() -> (String, String) {
        guard skills.count > 1 else { return (skills[0], skills[0]) }
        let first = rng.below(skills.count)
        var second = rng.below(skills.count - 1)
        if second >= first { second += 1 }
        return (skills[first], skills[second])
    }

    private mutating func object() -> ObjectPhrase { Phrases.objects[rng.pick(role.objects)]! }

    mutating func russian(lead: Bool, relocation: Bool, remote: Bool) -> String {
        var parts: [String] = []
        let main = object()
        let (s1, s2) = twoSkills()
        let noun = rng.pick(role.nounsRU)
        let verb = rng.pick(Phrases.verbsRU)
        switch rng.below(3) {
        case 0: parts.append("\(male ? verb.masculine : verb.feminine) \(main.accusative) на \(s1) и \(s2).")
        case 1: parts.append("Опыт разработки \(main.genitive) — \(Phrases.years(max(1, years))).")
        default: parts.append("Работаю \(noun.instrumental) в \(rng.pick(Phrases.domains).russian) уже \(Phrases.years(max(1, years))).")
        }
        if rng.chance(0.8) {
            let other = object()
            let (s3, s4) = twoSkills()
            switch rng.below(4) {
            case 0: parts.append("Участвовал\(male ? "" : "а") в создании \(other.genitive).")
            case 1: parts.append("Есть опыт работы с \(s3) и \(other.instrumental).")
            case 2: parts.append("Разбираюсь в \(other.prepositional), \(s3) и \(s4).")
            default: parts.append("Хорошо знаю \(s1), \(s3) и \(s4).")
            }
        }
        if rng.chance(0.4) {
            parts.append("Занимал\(male ? "ся" : "ась") \(main.instrumental) в \(rng.pick(Phrases.domains).russian).")
        }
        if rng.chance(0.5) {
            parts.append("Последний проект — \(object().nominative) для \(rng.pick(Vocabulary.clients).russian).")
        }
        if rng.chance(0.4) { parts.append("Работал\(male ? "" : "а") в \(rng.pick(Vocabulary.employers)).") }
        if rng.chance(0.3) { parts.append("Окончил\(male ? "" : "а") \(rng.pick(Vocabulary.universities).russian).") }
        if lead { parts.append("Руководил\(male ? "" : "а") командой из \(rng.int(in: 3...12)) \(noun.genitivePlural).") }
        if relocation { parts.append("Готов\(male ? "" : "а") к переезду в Россию.") }
        if remote && rng.chance(0.5) { parts.append("Рассматриваю удаленную работу.") }
        return parts.joined(separator: " ")
    }

    mutating func english(lead: Bool, relocation: Bool, remote: Bool) -> String {
        var parts: [String] = []
        let main = object()
        let (s1, s2) = twoSkills()
        let noun = rng.pick(role.nounsEN)
        switch rng.below(3) {
        case 0: parts.append("\(rng.pick(Phrases.verbsEN)) \(main.english) with \(s1) and \(s2).")
        case 1: parts.append("\(max(1, years)) year\(years > 1 ? "s" : "") of experience \(rng.pick(Phrases.gerundsEN)) \(main.english).")
        default: parts.append("Working as \(Phrases.article(noun)) \(noun) in \(rng.pick(Phrases.domains).english).")
        }
        if rng.chance(0.8) {
            let other = object()
            let (s3, s4) = twoSkills()
            switch rng.below(4) {
            case 0: parts.append("Contributed to \(other.english) for \(rng.pick(Phrases.domains).english).")
            case 1: parts.append("Hands-on experience with \(s3) and \(other.english).")
            case 2: parts.append("Strong knowledge of \(s1), \(s3) and \(s4).")
            default: parts.append("Experienced in \(rng.pick(Phrases.gerundsEN)) \(other.english) using \(s4).")
            }
        }
        if rng.chance(0.5) {
            parts.append("Latest project: \(object().english) for \(rng.pick(Vocabulary.clients).english).")
        }
        if rng.chance(0.4) { parts.append("Previously at \(rng.pick(Vocabulary.employers)).") }
        if rng.chance(0.3) { parts.append("Graduated from \(rng.pick(Vocabulary.universities).english).") }
        if lead { parts.append("Led a team of \(rng.int(in: 3...12)) \(noun)s.") }
        if relocation { parts.append("Open to relocation to Russia.") }
        if remote && rng.chance(0.5) { parts.append("Looking for remote work.") }
        return parts.joined(separator: " ")
    }
}
