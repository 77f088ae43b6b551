/// A text query against an `InvertedIndex`.
public struct SearchQuery: Sendable, Hashable {
    public enum Mode: Sendable, Hashable {
        /// OR: a document matching any term is a result; more and rarer terms rank higher.
        case any
        /// AND: every term must occur in the document (in any field).
        case all
    }

    public var text: String
    public var mode: Mode
    public var filter: SearchFilter?
    public var limit: Int

    public init(_ text: String, mode: Mode = .any, filter: SearchFilter? = nil, limit: Int = 10) {
        self.text = text
        self.mode = mode
        self.filter = filter
        self.limit = limit
    }
}

public struct SearchHit: Sendable, Hashable {
    public var key: String
    public var doc: DocID
    public var score: Double
}

public struct SearchResult: Sendable, Hashable {
    /// Best first: score descending, then document id ascending (older documents first on ties).
    public var hits: [SearchHit]
    /// Documents whose full score was computed, which pruning keeps far below the number of postings.
    public var scoredDocuments: Int

    public static let empty = SearchResult(hits: [], scoredDocuments: 0)
}
