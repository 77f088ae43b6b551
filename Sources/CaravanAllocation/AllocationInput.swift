import Crypto
import Foundation

/// A grant round's published input, anonymised: programmes with their seats, per-country ceilings and score
/// weights; applicants by an opaque application id with their country, level, recorded scores and ranked choices;
/// the round's lottery seed (fixed before the window closed) and the choice rules. Anyone holding this file and
/// `caravan allocation run` gets the published result bit for bit.
public struct AllocationInput: Codable, Hashable, Sendable {
    public static let format = "caravan-allocation-input/1"

    public struct ChoiceRules: Codable, Hashable, Sendable {
        /// At most this many ranked programmes (6 under the quota's rules).
        public var maximumChoices: Int
        /// At most this many in one district group (2).
        public var maximumPerGroup: Int

        public init(maximumChoices: Int = 6, maximumPerGroup: Int = 2) {
            self.maximumChoices = maximumChoices
            self.maximumPerGroup = maximumPerGroup
        }
    }

    public struct Programme: Codable, Hashable, Sendable {
        public var id: String
        public var university: String
        /// A federal district, or Moscow or Saint Petersburg as groups of their own.
        public var districtGroup: String
        /// `bachelor`, `specialist`, `master`, `postgraduate`.
        public var level: String
        public var seats: Int
        /// Per country code: at most this many of that country's applicants.
        public var ceilings: [String: Int]
        /// Per subject: the weight of its recorded score in this programme's priority (whole numbers).
        public var weights: [String: Int]

        public init(id: String, university: String, districtGroup: String, level: String, seats: Int, ceilings: [String: Int], weights: [String: Int]) {
            self.id = id
            self.university = university
            self.districtGroup = districtGroup
            self.level = level
            self.seats = seats
            self.ceilings = ceilings
            self.weights = weights
        }
    }

    public struct Applicant: Codable, Hashable, Sendable {
        /// The application's opaque id (published: no name, no document).
        public var id: String
        public var country: String
        public var level: String
        /// Per subject: the recorded score on its scale.
        public var scores: [String: Int]
        /// Programme ids, most wanted first.
        public var choices: [String]

        public init(id: String, country: String, level: String, scores: [String: Int], choices: [String]) {
            self.id = id
            self.country = country
            self.level = level
            self.scores = scores
            self.choices = choices
        }
    }

    public var format: String
    public var round: String
    public var seed: String
    public var rules: ChoiceRules
    /// Per country code: the round's quota for that country.
    public var countryQuotas: [String: Int]
    public var programmes: [Programme]
    public var applicants: [Applicant]

    public init(round: String, seed: String, rules: ChoiceRules = ChoiceRules(), countryQuotas: [String: Int], programmes: [Programme],
                applicants: [Applicant]) {
        format = Self.format
        self.round = round
        self.seed = seed
        self.rules = rules
        self.countryQuotas = countryQuotas
        self.programmes = programmes
        self.applicants = applicants
    }

    // MARK: Digest

    /// The canonical bytes: JSON with sorted keys and no spaces, programmes and applicants sorted by id.
    public var canonicalData: Data {
        var copy = self
        copy.programmes.sort { $0.id < $1.id }
        copy.applicants.sort { $0.id < $1.id }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(copy)) ?? Data()
    }

    /// Lower-case hex SHA-256 of the canonical bytes: what a run records and a re-run compares.
    public var digest: String { Allocation.hex(SHA256.hash(data: canonicalData)) }

    // MARK: Priorities

    /// A programme's score of an applicant: the weighted sum of their recorded scores (a missing subject counts 0).
    public static func score(_ applicant: Applicant, at programme: Programme) -> Int {
        programme.weights.reduce(0) { $0 + $1.value * (applicant.scores[$1.key] ?? 0) }
    }

    /// The published lottery that breaks ties: the first eight bytes of SHA-256(seed ":" application id), big-endian;
    /// the lower number goes first.
    public static func lottery(seed: String, applicant: String) -> UInt64 {
        let digest = SHA256.hash(data: Data("\(seed):\(applicant)".utf8))
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    // MARK: The market

    /// The indexed market the mechanism runs on, with the maps back to ids. Call it on an input `validate` passed.
    public func market() -> (market: Market, programmeIDs: [String], applicantIDs: [String], countries: [String]) {
        let programmes = self.programmes.sorted { $0.id < $1.id }
        let applicants = self.applicants.sorted { $0.id < $1.id }
        let countries = Array(Set(applicants.map(\.country)).union(programmes.flatMap(\.ceilings.keys))).sorted()
        let countryIndex = Dictionary(uniqueKeysWithValues: countries.enumerated().map { ($1, Int32($0)) })
        let programmeIndex = Dictionary(uniqueKeysWithValues: programmes.enumerated().map { ($1.id, $0) })
        // Each programme orders the applicants who chose it: score (higher first), then the lottery, then the id.
        var entries = Array(repeating: [(applicant: Int, score: Int, lottery: UInt64)](), count: programmes.count)
        let lotteries = applicants.map { Self.lottery(seed: seed, applicant: $0.id) }
        for (a, applicant) in applicants.enumerated() {
            for id in applicant.choices {
                guard let p = programmeIndex[id] else { continue }
                entries[p].append((a, Self.score(applicant, at: programmes[p]), lotteries[a]))
            }
        }
        var rank = Array(repeating: [Int: Int32](), count: programmes.count)
        for p in programmes.indices {
            entries[p].sort { ($0.score, $1.lottery, $1.applicant) > ($1.score, $0.lottery, $0.applicant) }
            for (position, entry) in entries[p].enumerated() { rank[p][entry.applicant] = Int32(position) }
        }
        let choices = applicants.enumerated().map { a, applicant in
            applicant.choices.compactMap { id -> Market.Choice? in
                guard let p = programmeIndex[id], let r = rank[p][a] else { return nil }
                return Market.Choice(programme: Int32(p), rank: r)
            }
        }
        let ceilings = programmes.map { programme in
            countries.map { programme.ceilings[$0].map { Int32(clamping: $0) } ?? Int32.max }
        }
        let market = Market(country: applicants.map { countryIndex[$0.country] ?? 0 }, choices: choices,
                            capacity: programmes.map { Int32(clamping: $0.seats) }, ceilings: ceilings)
        return (market, programmes.map(\.id), applicants.map(\.id), countries)
    }
}
