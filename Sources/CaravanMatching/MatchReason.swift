/// One reason a match ranks where it does, for the server to show in the reader's language.
///
/// `key` is a message-catalogue key ("match.skill.missing"); `arguments` fill its placeholders with
/// ids and numbers, never display text, so each language names the skill its own way.
public struct MatchReason: Hashable, Sendable, Codable {
    public enum Effect: String, Hashable, Sendable, Codable {
        /// Counts in favour.
        case positive
        /// Counts for part.
        case partial
        /// Counts against.
        case negative
        /// Removes the match entirely (a hard constraint).
        case excluding
    }

    public var key: String
    public var component: MatchComponent?
    public var effect: Effect
    public var arguments: [String: String]

    public init(_ key: String, _ component: MatchComponent?, _ effect: Effect, _ arguments: [String: String] = [:]) {
        self.key = key
        self.component = component
        self.effect = effect
        self.arguments = arguments
    }
}

/// A ranked match: the other side's id, the weighted score (0…1), each component's own score, and why.
public struct MatchResult: Hashable, Sendable {
    public var id: String
    public var score: Double
    public var reasons: [MatchReason]
    /// The component scores as they were worked out; `components` lays them out as a table only when asked
    /// (a ranking's page of twenty never does, and a dictionary per result cost more than explaining it).
    var values: ComponentValues

    /// Each component's own score.
    public var components: [MatchComponent: Double] {
        get { values.dictionary }
        set { values = ComponentValues(newValue) }
    }

    /// A component the table leaves out scores 0 (and `components` then lists it with 0).
    public init(id: String, score: Double, components: [MatchComponent: Double], reasons: [MatchReason]) {
        self.init(id: id, score: score, values: ComponentValues(components), reasons: reasons)
    }

    init(id: String, score: Double, values: ComponentValues, reasons: [MatchReason]) {
        self.id = id
        self.score = score
        self.values = values
        self.reasons = reasons
    }
}

/// The verdict on one candidate–vacancy pair.
public enum MatchEvaluation: Hashable, Sendable {
    case excluded([MatchReason])
    case scored(score: Double, components: [MatchComponent: Double], reasons: [MatchReason])
}
