import Foundation

/// How much each part of a match counts, and how much partial evidence is worth. Data, not code: the
/// programme can retune ranking from a JSON file without a release, and tests pin the defaults.
public struct MatchingWeights: Hashable, Sendable, Codable {
    public var requiredSkills: Double
    public var niceToHaveSkills: Double
    public var experience: Double
    public var russian: Double
    public var salary: Double
    public var location: Double
    public var text: Double
    /// Credit for a required skill when the candidate has only its parent (asks Spring Boot, knows Java):
    /// related, but not the same.
    public var parentSkillCredit: Double
    /// Credit for a required skill known through a child (asks Java, knows Spring Boot): a child implies
    /// the parent, so nearly full.
    public var childSkillCredit: Double
    /// Location score when the candidate would relocate and the employer helps, and when it does not.
    public var relocationWithSupport: Double
    public var relocationWithoutSupport: Double
    /// Russian level that earns full credit when the vacancy sets no minimum: B2 is enough to work in Russian.
    public var comfortableRussian: LanguageLevel

    public init(requiredSkills: Double = 0.45, niceToHaveSkills: Double = 0.1, experience: Double = 0.12,
                russian: Double = 0.08, salary: Double = 0.1, location: Double = 0.1, text: Double = 0.05,
                parentSkillCredit: Double = 0.5, childSkillCredit: Double = 0.9,
                relocationWithSupport: Double = 0.8, relocationWithoutSupport: Double = 0.5,
                comfortableRussian: LanguageLevel = .b2) {
        self.requiredSkills = requiredSkills
        self.niceToHaveSkills = niceToHaveSkills
        self.experience = experience
        self.russian = russian
        self.salary = salary
        self.location = location
        self.text = text
        self.parentSkillCredit = parentSkillCredit
        self.childSkillCredit = childSkillCredit
        self.relocationWithSupport = relocationWithSupport
        self.relocationWithoutSupport = relocationWithoutSupport
        self.comfortableRussian = comfortableRussian
    }

    public static let standard = MatchingWeights()

    public init(json: Data) throws {
        self = try JSONDecoder().decode(MatchingWeights.self, from: json)
    }

    /// Weight of a component of the score.
    public func weight(of component: MatchComponent) -> Double {
        switch component {
        case .requiredSkills: requiredSkills
        case .niceToHaveSkills: niceToHaveSkills
        case .experience: experience
        case .russian: russian
        case .salary: salary
        case .location: location
        case .text: text
        }
    }

    /// Whether a pair's score is bounded by counting its unknown components at full marks, which is what lets a
    /// ranking stop scoring a pair that cannot reach its lowest kept score: every component must count for
    /// something between nothing and its full weight (some for something, none infinite), and every partial
    /// credit stay within 0…1. Weights are data; a misconfiguration makes the rankings score every pair in full.
    public var boundByFullMarks: Bool {
        let credits = [childSkillCredit, parentSkillCredit, relocationWithSupport, relocationWithoutSupport]
        return MatchComponent.allCases.allSatisfy { weight(of: $0) >= 0 && weight(of: $0).isFinite }
            && MatchComponent.allCases.contains { weight(of: $0) > 0 }
            && credits.allSatisfy { (0...1).contains($0) }
    }
}

/// The parts a match score is made of, each scored 0…1 and then weighted.
public enum MatchComponent: String, Hashable, Sendable, Codable, CaseIterable {
    case requiredSkills, niceToHaveSkills, experience, russian, salary, location, text
}
