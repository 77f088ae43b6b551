/// The groups the choice rule counts in: the eight federal districts, with Moscow and Saint Petersburg as groups of
/// their own (a university in Moscow is not in the Central group's two).
public enum DistrictGroup: String, CaseIterable, Codable, Hashable, Sendable {
    case moscow
    case saintPetersburg = "saint-petersburg"
    case central
    case northwestern
    case southern
    case northCaucasian = "north-caucasian"
    case volga
    case ural
    case siberian
    case farEastern = "far-eastern"
}

public enum StudyLevel: String, CaseIterable, Codable, Hashable, Sendable {
    case bachelor
    case specialist
    case master
    case postgraduate
}

/// The subjects a score is recorded in, each on `AllocationRules.scoreScale`.
public enum GrantSubject: String, CaseIterable, Codable, Hashable, Sendable {
    case math
    case informatics
    case physics
    case russian
}

/// What a programme, a round and its ceilings must be before they are stored: each problem as a field and a
/// message key, as `AllocationRules` reports an input's.
public enum GrantCatalogueRules {
    public static let maximumSeats = 10_000
    public static let maximumWeight = 10

    public static func checkProgramme(level: String, seats: Int, weights: [String: Int]) -> [AllocationRules.Problem] {
        var problems: [AllocationRules.Problem] = []
        if StudyLevel(rawValue: level) == nil { problems.append(.init("level", "field.choice")) }
        if !(0...maximumSeats).contains(seats) { problems.append(.init("seats", "allocation.seatsRange", ["max": "\(maximumSeats)"])) }
        for (subject, weight) in weights.sorted(by: { $0.key < $1.key }) {
            if GrantSubject(rawValue: subject) == nil {
                problems.append(.init("weights.\(subject)", "allocation.subjectUnknown", ["subject": subject]))
            } else if !(0...maximumWeight).contains(weight) {
                problems.append(.init("weights.\(subject)", "allocation.weightOutOfRange", ["max": "\(maximumWeight)"]))
            }
        }
        if weights.values.allSatisfy({ $0 == 0 }) { problems.append(.init("weights", "allocation.weightsEmpty")) }
        return problems
    }

    /// Scores as recorded: known subjects, each on the scale.
    public static func checkScores(_ scores: [String: Int]) -> [AllocationRules.Problem] {
        scores.sorted(by: { $0.key < $1.key }).compactMap { subject, score in
            if GrantSubject(rawValue: subject) == nil { return .init("scores.\(subject)", "allocation.subjectUnknown", ["subject": subject]) }
            if !AllocationRules.scoreScale.contains(score) {
                return .init("scores.\(subject)", "allocation.scoreOutOfScale",
                             ["min": "\(AllocationRules.scoreScale.lowerBound)", "max": "\(AllocationRules.scoreScale.upperBound)"])
            }
            return nil
        }
    }

    /// A round's ceilings against its quotas: per country, the ceilings over every programme within the quota,
    /// and each programme's within its seats.
    public static func checkCeilings(_ ceilings: [(programme: String, seats: Int, country: String, ceiling: Int)],
                                     quotas: [String: Int]) -> [AllocationRules.Problem] {
        var problems: [AllocationRules.Problem] = []
        var sums: [String: Int] = [:]
        for row in ceilings {
            if row.ceiling < 0 { problems.append(.init("ceilings.\(row.programme).\(row.country)", "allocation.negative")) }
            if row.ceiling > row.seats {
                problems.append(.init("ceilings.\(row.programme).\(row.country)", "allocation.ceilingOverSeats",
                                      ["programme": row.programme, "seats": "\(row.seats)"]))
            }
            // Only a ceiling that is itself in order counts toward its country's sum (and no sum can overflow).
            if (0...row.seats).contains(row.ceiling) { sums[row.country, default: 0] += row.ceiling }
        }
        for (country, sum) in sums.sorted(by: { $0.key < $1.key }) {
            guard let quota = quotas[country] else {
                problems.append(.init("quotas.\(country)", "allocation.quotaMissing", ["country": country]))
                continue
            }
            if sum > quota {
                problems.append(.init("quotas.\(country)", "allocation.ceilingsOverQuota", ["country": country, "sum": "\(sum)", "quota": "\(quota)"]))
            }
        }
        return problems
    }
}
