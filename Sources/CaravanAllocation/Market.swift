import Foundation

/// A market as the mechanism sees it: indices only, every applicant's choices in order with their rank at each
/// programme (0 is the programme's first), every programme's seats and its ceilings per country group. Built by
/// `AllocationInput.market()` from the published input; the mechanism never sees a name or a score.
public struct Market: Sendable, Equatable {
    public struct Choice: Sendable, Equatable {
        public let programme: Int32
        /// The applicant's place in the programme's priority order: lower is admitted first.
        public let rank: Int32

        public init(programme: Int32, rank: Int32) {
            self.programme = programme
            self.rank = rank
        }
    }

    /// Per applicant: the index of their country (into each programme's `ceilings`).
    public let country: [Int32]
    /// Per applicant: their choices, most wanted first.
    public let choices: [[Choice]]
    /// Per programme: seats.
    public let capacity: [Int32]
    /// Per programme: a ceiling per country index (`Int32.max` where the country has none).
    public let ceilings: [[Int32]]

    public var applicantCount: Int { country.count }
    public var programmeCount: Int { capacity.count }

    public init(country: [Int32], choices: [[Choice]], capacity: [Int32], ceilings: [[Int32]]) {
        self.country = country
        self.choices = choices
        self.capacity = capacity
        self.ceilings = ceilings
    }

    /// The applicant holding `rank` at `programme`, for every applicant that ranked it.
    public func rankedApplicants(of programme: Int) -> [(applicant: Int, rank: Int32)] {
        var result: [(Int, Int32)] = []
        for (applicant, list) in choices.enumerated() {
            for choice in list where Int(choice.programme) == programme { result.append((applicant, choice.rank)) }
        }
        return result.sorted { $0.1 < $1.1 }
    }
}

/// Who got which programme: per applicant, the programme's index or nil.
public struct Assignment: Sendable, Equatable, Hashable {
    public var programme: [Int32?]

    public init(programme: [Int32?]) {
        self.programme = programme
    }

    /// Per programme, its admitted applicants in priority order.
    public func admitted(in market: Market) -> [[Int]] {
        var lists = Array(repeating: [(Int, Int32)](), count: market.programmeCount)
        for (applicant, assigned) in programme.enumerated() {
            guard let p = assigned, let choice = market.choices[applicant].first(where: { $0.programme == p }) else { continue }
            lists[Int(p)].append((applicant, choice.rank))
        }
        return lists.map { $0.sorted { $0.1 < $1.1 }.map(\.0) }
    }
}
