/// Who reads the observatory how: everyone its public figures (counts of 15 or fewer suppressed, also where they
/// could be worked out by subtraction); the ministry's analysts and admins its exact figures, each export recorded.
public enum ObservatoryPolicy {
    public static func mayReadExact(_ role: Role?) -> Bool { role == .analyst || role == .admin }
}

/// A figure the programme was announced or argued with, as it was quoted, with who quoted it, when, and where it
/// is written down: the observatory sets Caravan's own figures beside these and never mixes them up.
public struct QuotedFigure: Hashable, Sendable {
    public enum Unit: String, Sendable {
        case people
        case percent
    }

    /// `observatory.quoted.<id>.*` in the catalogues: what was said, by whom.
    public let id: String
    public let value: Int
    public let unit: Unit
    /// Where the figure starts from, when it was quoted as growth ("from 300,000").
    public let from: Int?
    /// The year the target is for, when it is a target.
    public let byYear: Int?
    /// When it was said: `YYYY-MM` (the source gives the month).
    public let quotedIn: String
    /// The source the figure is read from.
    public let source: String

    /// The seed article: A. Soldatov, I. Borogan, Center for European Policy Analysis (CEPA), June 2022.
    public static let seedArticle = "CEPA, A. Soldatov & I. Borogan, 2022-06"

    /// The programme's figures from the seed article, in the order the observatory shows them.
    public static let programme: [QuotedFigure] = [
        QuotedFigure(id: "grants", value: 8_500, unit: .people, from: nil, byYear: 2022, quotedIn: "2022-06", source: seedArticle),
        QuotedFigure(id: "students", value: 450_000, unit: .people, from: 300_000, byYear: 2030, quotedIn: "2022-06", source: seedArticle),
        QuotedFigure(id: "deficit-interior", value: 170_000, unit: .people, from: nil, byYear: nil, quotedIn: "2022-06", source: seedArticle),
        QuotedFigure(id: "deficit-digital", value: 1_000_000, unit: .people, from: nil, byYear: nil, quotedIn: "2021-06", source: seedArticle),
        QuotedFigure(id: "returned-digital", value: 80, unit: .percent, from: nil, byYear: nil, quotedIn: "2022-05", source: seedArticle),
        QuotedFigure(id: "returned-government", value: 85, unit: .percent, from: nil, byYear: nil, quotedIn: "2022-05", source: seedArticle),
    ]
}
