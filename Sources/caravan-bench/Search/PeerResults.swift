import Foundation

/// What `benchmarks/peers/tantivy_peer.py` writes: its figures and, per query, its top-10 ids.
struct PeerResults: Decodable {
    struct Figures: Decodable {
        var p50Ms: Double
        var p95Ms: Double
    }

    struct Hits: Decodable {
        /// Best first.
        var ids: [String]
        var scores: [Double]
        /// Documents outside the top 10 that score exactly as the 10th: with equal scores either engine
        /// may pick any of them, so recall accepts these as well (see `Recall`).
        var tiedIds: [String]
        /// Median of the repeated timings of this query, in nanoseconds.
        var ns: UInt64
    }

    struct Query: Decodable {
        var text: String
        var or: Hits
        var and: Hits
    }

    var engine: String
    var version: String
    /// Field boosts the peer used; they must equal our schema's weights for the scores to agree.
    var fieldWeights: [String: Double]
    var profiles: Int
    var buildProfilesPerS: Double
    var rssMb: Double
    var peakRssMb: Double
    var or: Figures
    var and: Figures
    var queries: [Query]

    static func load(_ path: String) throws -> PeerResults {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(PeerResults.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// recall@10 of our top 10 against the peer's.
///
/// Per query: of the peer's top-10 ids, how many are in ours. A synthetic corpus has many profiles that
/// score exactly alike (same title, same skills, same lengths), and which of them fill the last places
/// is only a tie-break (we break by insertion order, tantivy by segment and doc address), so one of
/// ours that the peer scored exactly as its 10th counts as a hit too. The strict figure, without that
/// allowance, is reported alongside. Queries for which the peer found nothing are left out.
enum Recall {
    struct Result {
        var tieAware: Double
        var strict: Double
        var queries: Int
    }

    static func of(ours: [[String]], peer: [PeerResults.Hits]) -> (Result, perQuery: [Double?]) {
        var tieAware = 0.0, strict = 0.0, counted = 0
        var perQuery: [Double?] = []
        for (mine, theirs) in zip(ours, peer) {
            guard !theirs.ids.isEmpty else { perQuery.append(nil); continue }
            let relevant = Set(theirs.ids)
            let acceptable = relevant.union(theirs.tiedIds)
            let hits = mine.filter(acceptable.contains).count
            let exact = mine.filter(relevant.contains).count
            let value = Double(min(hits, relevant.count)) / Double(relevant.count)
            tieAware += value
            strict += Double(exact) / Double(relevant.count)
            counted += 1
            perQuery.append(value)
        }
        let n = Double(max(counted, 1))
        return (Result(tieAware: tieAware / n, strict: strict / n, queries: counted), perQuery)
    }
}
