import CaravanFlows
/// Search-box queries of 2–3 words, Russian and English, built from the same vocabulary the profiles
/// use but inflected differently ("разработчиков java" against "Java-разработчик"), so a hit needs
/// the stemmer to bring the forms together.
///
/// Skills are the one-word spellings people type; the skills' punctuated names (".NET", "node.js") take
/// part only where the role's query list names them.
enum QueryGenerator {
    static func queries(count: Int, seed: UInt64, catalog: SkillCatalog) -> [String] {
        var russian = Set<String>(), english = Set<String>()
        for role in Roles.all {
            for skill in role.querySkills {
                for noun in role.nounsRU {
                    russian.insert("\(noun.genitivePlural) \(skill)")
                    russian.insert("\(noun.nominativePlural) \(skill)")
                    russian.insert("\(skill) \(noun.nominative)")
                    russian.insert("\(noun.genitive) \(skill)")
                    russian.insert("\(skill) \(noun.datativePlural)")
                }
                for noun in role.nounsEN {
                    english.insert("\(skill) \(noun)s")
                    english.insert("\(skill) \(noun)")
                    english.insert("senior \(skill) \(noun)")
                    english.insert("junior \(skill) \(noun)s")
                }
                for key in role.objects {
                    let phrase = Phrases.objects[key]!
                    for form in [phrase.nominative, phrase.genitive, phrase.instrumental, phrase.prepositional]
                    where wordCount(form) <= 2 {
                        russian.insert("\(form) \(skill)")
                    }
                    if wordCount(phrase.english) <= 2 { english.insert("\(phrase.english) \(skill)") }
                }
            }
            for key in role.objects {
                let phrase = Phrases.objects[key]!
                if wordCount(phrase.genitive) <= 2 { russian.insert("разработка \(phrase.genitive)") }
                if wordCount(phrase.genitive) == 1 { russian.insert("опыт разработки \(phrase.genitive)") }
                if wordCount(phrase.english) <= 3 { english.insert(phrase.english) }
                if wordCount(phrase.english) <= 2 { english.insert("developing \(phrase.english)") }
            }
            for title in role.titlesEN where !title.contains("(") && wordCount(title) <= 3 {
                english.insert(title + "s")
            }
        }
        // The long tail: any one-word skill of the taxonomy with a generic role noun, the clients
        // projects were for, and employers. These terms are rare, as most real query terms are.
        let genericRU = ["разработчик", "программист", "инженер", "специалист"].map(RoleNoun.init)
        for skill in catalog.oneWordNames {
            for noun in genericRU {
                russian.insert("\(noun.genitivePlural) \(skill)")
                russian.insert("\(skill) \(noun.nominative)")
            }
            for noun in ["developer", "engineer", "specialist"] {
                english.insert("\(skill) \(noun)s")
                english.insert("senior \(skill) \(noun)")
            }
        }
        for client in Vocabulary.clients {
            if wordCount(client.russian) <= 2 { russian.insert("проекты для " + client.russian) }
            let bare = client.english.split(separator: " ").dropFirst().joined(separator: " ")
            if wordCount(bare) <= 3 { english.insert(bare) }
        }
        for employer in Vocabulary.employers {
            english.insert("\(employer) developer")
            russian.insert("разработчики \(employer)")
        }
        var rng = SplitMix64(seed: seed ^ 0x5155_4552_5945_5321)
        // "a/b-тесты", "ci/cd": tokenizers legitimately disagree on slashes (ours keeps a few such names
        // whole, tantivy's splits them), which would measure tokenizer policy instead of the engines.
        let ru = shuffled(russian.filter { !$0.contains("/") }.sorted(), &rng)
        let en = shuffled(english.filter { !$0.contains("/") }.sorted(), &rng)
        // Russian first in the mix (the programme's working language), then English, alternating 3:2.
        var result: [String] = []
        var ri = 0, ei = 0
        while result.count < count, ri < ru.count || ei < en.count {
            let takeRussian = ei >= en.count || (ri < ru.count && result.count % 5 < 3)
            if takeRussian { result.append(ru[ri].lowercased()); ri += 1 } else { result.append(en[ei].lowercased()); ei += 1 }
        }
        return result
    }

    private static func wordCount(_ text: String) -> Int { text.split(separator: " ").count }

    private static func shuffled(_ items: [String], _ rng: inout SplitMix64) -> [String] {
        var items = items
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, rng.below(index + 1))
        }
        return items
    }
}
