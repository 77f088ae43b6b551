/// One reason a match ranks where it does, for the server to show in the reader's language.
///
/// `key` is a message-catalogue key ("match.skill.missing"); its arguments fill the message's placeholders with
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

    /// One placeholder's value.
    public struct Argument: Hashable, Sendable {
        public let name: String
        public let value: String
    }

    public var key: String
    public var component: MatchComponent?
    public var effect: Effect
    /// The arguments sorted by name, one per name: the same arguments are the same list however they were
    /// written, so a reason hashes and compares in one pass (no dictionary to build while explaining, none to
    /// hash when its sentence is looked up).
    public private(set) var argumentList: [Argument]

    /// The arguments by name.
    public var arguments: [String: String] {
        get { Dictionary(argumentList.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }) }
        set { argumentList = Self.sorted(newValue.lazy.map { Argument(name: $0.key, value: $0.value) }) }
    }

    /// The matcher writes its arguments as a literal (`["skill": id, "level": code]`), taken here as the pairs
    /// they are; a name given twice keeps its last value.
    public init(_ key: String, _ component: MatchComponent?, _ effect: Effect, _ arguments: KeyValuePairs<String, String> = [:]) {
        self.key = key
        self.component = component
        self.effect = effect
        // Each pair put in its place as it comes: a reason has at most four, and this makes one array, no more.
        var list: [Argument] = []
        list.reserveCapacity(arguments.count)
        for (name, value) in arguments { Self.place(Argument(name: name, value: value), in: &list) }
        argumentList = list
    }

    public init(_ key: String, _ component: MatchComponent?, _ effect: Effect, arguments: [String: String]) {
        self.init(key, component, effect)
        self.arguments = arguments
    }

    private static func sorted(_ arguments: some Sequence<Argument>) -> [Argument] {
        var list: [Argument] = []
        for argument in arguments { place(argument, in: &list) }
        return list
    }

    /// Into a list sorted by name: after those named before it, or over the one of the same name.
    private static func place(_ argument: Argument, in list: inout [Argument]) {
        var position = list.endIndex
        while position > 0, list[position - 1].name > argument.name { position -= 1 }
        if position > 0, list[position - 1].name == argument.name {
            list[position - 1] = argument
        } else {
            list.insert(argument, at: position)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case key, component, effect, arguments
    }

    /// Encoded with its arguments as an object by name, as before they were kept as a list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try container.decode(String.self, forKey: .key),
                  try container.decodeIfPresent(MatchComponent.self, forKey: .component),
                  try container.decode(Effect.self, forKey: .effect),
                  arguments: try container.decode([String: String].self, forKey: .arguments))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encodeIfPresent(component, forKey: .component)
        try container.encode(effect, forKey: .effect)
        try container.encode(arguments, forKey: .arguments)
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
