/// Why an applicant did not get a programme they ranked above their result, read from the published input and
/// result alone (what anyone holding the two files can check): the programme's last admitted score against theirs,
/// or their country's ceiling there, or no seat at all. It is the same reasoning as `Stability.whyNot` on the
/// market's ranks, put in the scores people see.
public enum WhyNot: Hashable, Sendable {
    /// The programme filled with applicants it ranks higher: its last admitted score against this applicant's.
    /// `lottery` is true when the scores are equal and the published lottery put the applicant after.
    case cutoff(programme: String, lastAdmittedScore: Int, yourScore: Int, lottery: Bool)
    /// The applicant's country filled its ceiling there.
    case countryCeiling(programme: String, country: String, ceiling: Int, yourScore: Int)
    /// The programme has no grant seat, or none for the applicant's country.
    case noSeats(programme: String)

    public var programme: String {
        switch self {
        case .cutoff(let programme, _, _, _), .countryCeiling(let programme, _, _, _), .noSeats(let programme): programme
        }
    }

    /// For each programme the applicant ranked above their result (all of them when unplaced), in their order.
    /// Empty for an id the input does not hold.
    public static func explain(applicant id: String, input: AllocationInput, result: AllocationResult) -> [WhyNot] {
        guard let applicant = input.applicants.first(where: { $0.id == id }) else { return [] }
        let placed = result.placements.first { $0.applicant == id }?.programme
        let programmes = Dictionary(input.programmes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let outcomes = Dictionary(result.programmes.map { ($0.programme, $0) }, uniquingKeysWith: { first, _ in first })
        var reasons: [WhyNot] = []
        for choice in applicant.choices {
            if choice == placed { break }
            guard let programme = programmes[choice], let outcome = outcomes[choice] else { continue }
            let yours = AllocationInput.score(applicant, at: programme)
            let ceiling = programme.ceilings[applicant.country]
            if programme.seats == 0 || ceiling == 0 {
                reasons.append(.noSeats(programme: choice))
            } else if let ceiling, outcome.perCountry[applicant.country, default: 0] >= ceiling {
                reasons.append(.countryCeiling(programme: choice, country: applicant.country, ceiling: ceiling, yourScore: yours))
            } else {
                let last = outcome.lastAdmittedScore ?? 0
                reasons.append(.cutoff(programme: choice, lastAdmittedScore: last, yourScore: yours, lottery: last == yours))
            }
        }
        return reasons
    }
}

/// A count as the public may see it: 15 or fewer is shown as "≤15", so that nobody in a small group can be picked out.
public enum PublicCount: Hashable, Sendable {
    case exact(Int)
    case fifteenOrFewer

    /// The largest count that is suppressed.
    public static let threshold = 15

    public init(_ count: Int) {
        self = count <= Self.threshold ? .fifteenOrFewer : .exact(count)
    }

    /// `≤15` or the number.
    public var text: String {
        switch self {
        case .exact(let count): "\(count)"
        case .fifteenOrFewer: "≤\(Self.threshold)"
        }
    }
}
