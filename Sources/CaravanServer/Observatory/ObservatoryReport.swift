import CaravanDomain
import Foundation

/// The observatory's figures at one moment, exact: tables of cells that point into one set of named counts, and the
/// relations between those counts (a total and its parts; nested funnel steps). What a public reader is shown is
/// decided once for the whole report (`DisclosureControl`), so a count hidden in one table is hidden in every other.
struct ObservatoryReport: Sendable {
    /// When the figures were counted: the data date every figure carries.
    let asOf: Date
    let tables: [ObservatoryTable]
    let counts: [String: Int]
    let relations: [DisclosureControl.Relation]
    /// The counts a public reader may not see.
    let hidden: Set<String>

    init(asOf: Date, tables: [ObservatoryTable], counts: [String: Int], relations: [DisclosureControl.Relation]) {
        self.asOf = asOf
        self.tables = tables
        self.counts = counts
        self.relations = relations
        hidden = DisclosureControl(counts: counts, relations: relations).hidden()
    }

    func table(_ id: String) -> ObservatoryTable? { tables.first { $0.id == id } }
}

/// One table: its rows, its columns, whether the public sees it, and which column its chart draws.
struct ObservatoryTable: Sendable {
    /// Catalogue keys `observatory.<id>.title`, `.definition`, `.column.<column>`.
    let id: String
    let columns: [String]
    let rows: [ObservatoryRow]
    let isPublic: Bool
    /// The columns drawn as bars, one series each (at most two: told apart by pattern and by their words).
    let chart: [Int]

    static let ids = ["funnel", "parts", "demand-skills", "demand-cities", "trend", "permits-clock", "permits-stages", "quoted"]
}

struct ObservatoryRow: Sendable {
    enum Label: Sendable {
        /// A catalogue key.
        case key(String)
        /// A name by language code, read in Russian where a language has none (skill groups; cities as written).
        case names([String: String])
        /// A month: `YYYY-MM`.
        case month(String)
    }

    let id: String
    let label: Label
    let cells: [ObservatoryCell]
}

enum ObservatoryCell: Sendable {
    /// A count, by its key in the report's counts.
    case count(String)
    /// One count over another, as a percentage; not shown where either count is hidden.
    case share(of: String, in: String)
    enum Unit: Sendable {
        case days
        case workingDays
    }

    /// Durations in calendar or working days: the median or the 90th percentile, over `basis` (a count key), shown
    /// publicly only where that count is.
    case median(Spread, basis: String, unit: Unit)
    case p90(Spread, basis: String, unit: Unit)
    /// The difference of two counts (demand less supply); hidden where either is.
    case difference(String, String)
    /// A figure as it was quoted (never suppressed: it is not a count of Caravan's people).
    case quoted(QuotedFigure)
    /// A catalogue key (the source of a quoted figure, a definition).
    case text(String)
    case empty
}
