import CaravanSearch

/// A skill found in free text, with where it was written (UTF-16 offsets), for highlighting.
public struct SkillMention: Hashable, Sendable {
    public var skill: SkillID
    public var utf16Range: Range<Int>
}

extension SkillTaxonomy {
    /// Skill ids mentioned in `text` (a summary, a vacancy description), each once, in order of first mention.
    ///
    /// The text goes through the search analyzer, so inflected forms ("на джаве", "с Kubernetes-ом"),
    /// protected names ("C#", "1С") and hyphenated names ("Spring-Boot") all meet the taxonomy's spellings;
    /// the longest spelling wins, so "React Native" is one skill, not React plus a stray word.
    public func skills(in text: String) -> [SkillID] {
        var seen = Set<SkillID>()
        return mentions(in: text).compactMap { seen.insert($0.skill).inserted ? $0.skill : nil }
    }

    /// Every mention of a skill in `text`, left to right, longest spelling first at each position.
    public func mentions(in text: String) -> [SkillMention] {
        let tokens = phrases.analyzer.analyze(text)
        var result: [SkillMention] = []
        var start = 0
        while start < tokens.count {
            if let (length, skill) = phrases.longestMatch(tokens, at: start) {
                let range = tokens[start].utf16Range.lowerBound..<tokens[start + length - 1].utf16Range.upperBound
                result.append(SkillMention(skill: skills[skill].id, utf16Range: range))
                start += length
            } else {
                start += 1
            }
        }
        return result
    }
}

/// Every skill spelling, analyzed into index terms, mapped to the skill. Built once with the taxonomy.
struct PhraseTable: Sendable {
    /// Stop words kept: "в" or "it" can be part of a name, and the text is scanned with the same analyzer.
    let analyzer = Analyzer(stopWords: .none)
    /// Terms joined with U+001F (a control character no term contains) → skill index.
    private let skillByKey: [String: Int]
    private let longest: Int

    init(skills: [Skill]) throws(SkillTaxonomyError) {
        var skillByKey: [String: Int] = [:]
        var longest = 1
        for (index, skill) in skills.enumerated() {
            for spelling in skill.spellings {
                let terms = analyzer.terms(spelling)
                guard !terms.isEmpty else { throw .unusableSpelling(skill: skill.id, spelling: spelling) }
                let key = terms.joined(separator: "\u{1F}")
                if let other = skillByKey[key], other != index {
                    throw .ambiguousSpelling(spelling: spelling, skills: [skills[other].id, skill.id])
                }
                skillByKey[key] = index
                longest = max(longest, terms.count)
            }
        }
        self.skillByKey = skillByKey
        self.longest = longest
    }

    /// The longest spelling starting at token `start`: its length in tokens and the skill's index.
    func longestMatch(_ tokens: [AnalyzedToken], at start: Int) -> (Int, Int)? {
        var length = min(longest, tokens.count - start)
        while length > 0 {
            let key = tokens[start..<start + length].lazy.map(\.term).joined(separator: "\u{1F}")
            if let skill = skillByKey[key] { return (length, skill) }
            length -= 1
        }
        return nil
    }
}
