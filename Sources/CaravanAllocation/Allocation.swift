import Crypto
import Foundation

/// A run of the mechanism on a published input: what it was run on (the input's digest, the seed, the code's
/// version) and what came out (each application's programme, each programme's seat use and last admitted score),
/// with a digest of its own canonical lines. The same input gives the same result, byte for byte.
public struct AllocationResult: Codable, Hashable, Sendable {
    public static let format = "caravan-allocation-result/1"

    public struct Placement: Codable, Hashable, Sendable {
        public let applicant: String
        /// The programme's id; nil when no choice could be given.
        public let programme: String?
    }

    public struct ProgrammeOutcome: Codable, Hashable, Sendable {
        public let programme: String
        public let seats: Int
        public let admitted: Int
        /// The score of the last admitted applicant (the cut-off); nil when nobody was admitted.
        public let lastAdmittedScore: Int?
        /// Per country: how many were admitted.
        public let perCountry: [String: Int]
    }

    public let format: String
    public let round: String
    public let inputDigest: String
    public let seed: String
    public let codeVersion: String
    public let placements: [Placement]
    public let programmes: [ProgrammeOutcome]

    /// The lines the result digest is taken over: one per placement, then one per programme.
    public var canonicalLines: [String] {
        [format, "round=\(round)", "input=\(inputDigest)", "seed=\(seed)", "code=\(codeVersion)"]
            + placements.map { "place \($0.applicant)=\($0.programme ?? "-")" }
            + programmes.map { outcome in
                "programme \(outcome.programme) seats=\(outcome.seats) admitted=\(outcome.admitted) last=\(outcome.lastAdmittedScore.map(String.init) ?? "-") "
                    + outcome.perCountry.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            }
    }

    public var digest: String { Allocation.hex(SHA256.hash(data: Data(canonicalLines.joined(separator: "\n").utf8))) }
}

public enum Allocation {
    /// The mechanism's version: what a published run names so a re-run can say when the code differs.
    public static let codeVersion = "caravan-allocation/1 (student-proposing deferred acceptance, per-country ceilings)"

    public enum RunError: Error, Hashable, Sendable {
        case invalid([AllocationRules.Problem])
    }

    /// Validates the input, runs the mechanism and builds the result.
    public static func run(_ input: AllocationInput) throws(RunError) -> (AllocationResult, Market, Assignment) {
        let problems = AllocationRules.validate(input)
        guard problems.isEmpty else { throw .invalid(problems) }
        let (market, programmeIDs, applicantIDs, countries) = input.market()
        let assignment = DeferredAcceptance.run(market)
        let programmes = input.programmes.sorted { $0.id < $1.id }
        let applicants = input.applicants.sorted { $0.id < $1.id }
        let admitted = assignment.admitted(in: market)
        let outcomes = programmes.enumerated().map { p, programme in
            let list = admitted[p]
            var perCountry: [String: Int] = [:]
            for a in list { perCountry[countries[Int(market.country[a])], default: 0] += 1 }
            return AllocationResult.ProgrammeOutcome(
                programme: programme.id, seats: programme.seats, admitted: list.count,
                lastAdmittedScore: list.last.map { AllocationInput.score(applicants[$0], at: programme) }, perCountry: perCountry
            )
        }
        let result = AllocationResult(
            format: AllocationResult.format, round: input.round, inputDigest: input.digest, seed: input.seed, codeVersion: codeVersion,
            placements: applicantIDs.enumerated().map { a, id in
                AllocationResult.Placement(applicant: id, programme: assignment.programme[a].map { programmeIDs[Int($0)] })
            },
            programmes: outcomes
        )
        return (result, market, assignment)
    }

    /// Lower-case hex SHA-256 of bytes: how a downloaded file is checked against a published digest.
    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
