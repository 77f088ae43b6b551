import CaravanDomain
import CaravanFlows
import Foundation
import Vapor

/// A report as one reader is shown it: in their language, exact (analysts) or public (every count of 15 or fewer,
/// and every count that would give one away, shown as "≤15"). Pages, CSV files and the API all read this, so the
/// same figure reads the same everywhere.
struct ObservatoryView: Encodable {
    struct Column: Encodable {
        let id: String
        let title: String
    }

    struct Cell: Encodable {
        /// The column's title (a phone shows each row as a card, each figure with its column's name).
        var column = ""
        /// As a person reads it: "1 204", "≤15", "42,5 %", "12 дней", "—".
        let text: String
        /// The number behind it; nil when there is none or it is not shown.
        let value: Double?
        let suppressed: Bool
    }

    struct Row: Encodable {
        let id: String
        let label: String
        let cells: [Cell]
    }

    struct Table: Encodable {
        let id: String
        let title: String
        let definition: String
        let columns: [Column]
        let rows: [Row]
        /// The chart, drawn on the server (empty for a table without one).
        let svg: String
        let csvHref: String
        let anchor: String
    }

    /// The published estimate of departures and returns under each definition, as this reader is shown it.
    struct Flows: Encodable {
        struct Row: Encodable {
            let name: String
            let noiseDays: Int
            let residenceDays: Int
            let returnDays: Int
            let definition: String
            let returned: String
            let departed: String
            /// "84,9 % (95 % ДИ 83,1–86,5 %)", or "not shown" when a count under it is 15 or fewer.
            let share: String
            let shareValue: Double?
            let shareLower: Double?
            let shareUpper: Double?
        }

        let source: String
        let publishedAt: String
        let publishedAtDate: Date
        let rows: [Row]
        let explanation: String
    }

    let exact: Bool
    /// "6 December 2026, 12:30": when the figures were counted.
    let asOf: String
    let asOfISO: String
    let tables: [Table]
    let flows: Flows?

    init(_ report: ObservatoryReport, exact: Bool, req: Request, flows estimate: FlowEstimate? = nil) {
        self.exact = exact
        flows = estimate.map { Self.flows($0, exact: exact, req: req) }
        asOf = req.moment(report.asOf)
        asOfISO = ISO8601DateFormatter().string(from: report.asOf)
        tables = report.tables.filter { exact || $0.isPublic }.map { Self.table($0, report: report, exact: exact, req: req) }
    }

    static func table(_ table: ObservatoryTable, report: ObservatoryReport, exact: Bool, req: Request) -> Table {
        let language = req.language
        let columns = table.columns.map { Column(id: $0, title: req.t("observatory.\(table.id).column.\($0)")) }
        let rows = table.rows.map { row in
            Row(id: row.id, label: label(row.label, req: req), cells: zip(row.cells, columns).map { item, column in
                var shown = cell(item, report: report, exact: exact, req: req)
                shown.column = column.title
                return shown
            })
        }
        // The chart draws the rows with a figure (a total is a text row, not a bar); with no figure shown, none.
        let charted = rows.filter { $0.id != "total" }.map { row in (label: row.label, cells: table.chart.map { row.cells[$0] }) }
        let svg = charted.contains(where: { $0.cells.contains { $0.value != nil } }) ? ObservatoryChart.svg(
            id: table.id, title: req.t("observatory.\(table.id).title"), series: table.chart.map { columns[$0].title },
            rows: charted, language: language
        ) : ""
        return Table(
            id: table.id, title: req.t("observatory.\(table.id).title"), definition: req.t("observatory.\(table.id).definition"),
            columns: columns, rows: rows, svg: svg, csvHref: SiteURL.observatoryCSV(table.id, exact: exact).path, anchor: "#" + table.id
        )
    }

    /// Each definition's returned and departed counts and the share of those who left that came back, with its
    /// Wilson interval — the counts and the share shown publicly only over 15.
    static func flows(_ estimate: FlowEstimate, exact: Bool, req: Request) -> Flows {
        let language = req.language
        // Each reading's counts under the same rule as the tables: the subscribers (shown) are the four classes, of
        // which only returned and departed are published.
        var counts = ["subscribers": estimate.subscribers]
        var relations: [DisclosureControl.Relation] = []
        for (index, reading) in estimate.readings.enumerated() {
            counts["\(index).returned"] = reading.counts[FlowClass.returned.rawValue] ?? 0
            counts["\(index).departed"] = reading.counts[FlowClass.departed.rawValue] ?? 0
            relations.append(.init(total: "subscribers", parts: ["\(index).returned", "\(index).departed", "\(index).rest"]))
            relations.append(.init(total: "\(index).left", parts: ["\(index).returned", "\(index).departed"]))
        }
        let hidden = exact ? [] : DisclosureControl(counts: counts, relations: relations).hidden()
        func count(_ key: String) -> String { hidden.contains(key) ? withheld : number(counts[key] ?? 0, language) }
        var shares: [(name: String, value: Double)] = []
        let rows = estimate.readings.enumerated().map { index, reading -> Flows.Row in
            let share = reading.summary.returnedOfLeft
            let shown = share.total > 0 && !hidden.contains("\(index).returned") && !hidden.contains("\(index).departed")
            let name = req.application.catalogs.has("observatory.flows.name.\(reading.name)", in: language)
                ? req.t("observatory.flows.name.\(reading.name)") : reading.name
            let definition = req.t("observatory.flows.definition", [
                "name": name, "noise": "\(reading.noiseDays)", "residence": "\(reading.residenceDays)", "return": "\(reading.returnDays)",
            ])
            let when = req.application.catalogs.has("observatory.flows.when.\(reading.name)", in: language)
                ? req.t("observatory.flows.when.\(reading.name)") : req.t("observatory.flows.when.custom", ["name": reading.name])
            if shown { shares.append((when, share.value)) }
            return Flows.Row(
                name: reading.name, noiseDays: reading.noiseDays, residenceDays: reading.residenceDays, returnDays: reading.returnDays,
                definition: definition, returned: count("\(index).returned"), departed: count("\(index).departed"),
                share: shown ? req.t("observatory.flows.share", [
                    "value": percent(share.value, language), "lower": percent(share.lower, language), "upper": percent(share.upper, language),
                ]) : (share.total == 0 && hidden.isEmpty ? "—" : withheld),
                shareValue: shown ? (share.value * 1000).rounded() / 10 : nil,
                shareLower: shown ? (share.lower * 1000).rounded() / 10 : nil,
                shareUpper: shown ? (share.upper * 1000).rounded() / 10 : nil
            )
        }
        var explanation = ""
        if let low = shares.min(by: { $0.value < $1.value }), let high = shares.max(by: { $0.value < $1.value }), shares.count > 1 {
            explanation = req.t("observatory.flows.explanation", [
                "low": percent(low.value, language), "lowName": low.name, "high": percent(high.value, language), "highName": high.name,
            ])
        }
        return Flows(
            source: req.t("observatory.flows.source", [
                "source": estimate.source, "subscribers": number(estimate.subscribers, language), "events": number(estimate.events, language),
                "home": CountryCode(rawValue: estimate.home)?.name(in: language) ?? estimate.home,
            ]),
            publishedAt: req.moment(estimate.publishedAt), publishedAtDate: estimate.publishedAt, rows: rows, explanation: explanation
        )
    }

    static func label(_ label: ObservatoryRow.Label, req: Request) -> String {
        switch label {
        case .key(let key): req.t(key)
        case .names(let names): names[req.language.rawValue] ?? names["ru"] ?? ""
        case .month(let id):
            if let first = CalendarDateText.monthYear(id, in: req.language) { first } else { id }
        }
    }

    static func number(_ value: Int, _ language: LanguageCode) -> String { ReasonWriter.money(value, language) }

    static func percent(_ ratio: Double, _ language: LanguageCode) -> String {
        let tenths = Int((ratio * 1000).rounded())
        let whole = number(tenths / 10, language), fraction = tenths % 10
        return (language == .english ? "\(whole).\(fraction)" : "\(whole),\(fraction)") + "\u{00A0}%"
    }

    /// How every withheld figure reads: one marker, whatever the count behind it (two markers would tell a reader which
    /// side of 15 a withheld count is on).
    static let withheld = "≤\(DisclosureControl.threshold)"

    static func cell(_ cell: ObservatoryCell, report: ObservatoryReport, exact: Bool, req: Request) -> Cell {
        let language = req.language
        func hidden(_ key: String) -> Bool { !exact && report.hidden.contains(key) }
        // Checked before anything else: a "—" for a zero would give the zero away.
        let notShown = Cell(text: withheld, value: nil, suppressed: true)
        let none = Cell(text: "—", value: nil, suppressed: false)
        switch cell {
        case .count(let key):
            guard let value = report.counts[key] else { return none }
            if hidden(key) { return notShown }
            return Cell(text: number(value, language), value: Double(value), suppressed: false)
        case .share(let of, let total):
            if hidden(of) || hidden(total) { return notShown }
            guard let part = report.counts[of], let whole = report.counts[total], whole > 0 else { return none }
            let ratio = Double(part) / Double(whole)
            return Cell(text: percent(ratio, language), value: (ratio * 1000).rounded() / 10, suppressed: false)
        case .median(let spread, let basis, let unit), .p90(let spread, let basis, let unit):
            if hidden(basis) { return notShown }
            let value: Int?
            if case .median = cell { value = spread.median } else { value = spread.p90 }
            guard let value else { return none }
            let key = unit == .days ? "observatory.days" : "observatory.workingDays"
            return Cell(text: req.t(key, ["count": "\(value)"]), value: Double(value), suppressed: false)
        case .difference(let a, let b):
            if hidden(a) || hidden(b) { return notShown }
            guard let left = report.counts[a], let right = report.counts[b] else { return none }
            let difference = left - right
            let text = difference > 0 ? "+" + number(difference, language) : difference < 0 ? "−" + number(-difference, language) : "0"
            return Cell(text: text, value: Double(difference), suppressed: false)
        case .quoted(let figure):
            let value = figure.unit == .percent ? "\(figure.value)\u{00A0}%" : number(figure.value, language)
            var text = value
            if let from = figure.from, let year = figure.byYear {
                text = req.t("observatory.quoted.growth", ["value": value, "from": number(from, language), "year": "\(year)"])
            } else if let year = figure.byYear {
                text = req.t("observatory.quoted.by", ["value": value, "year": "\(year)"])
            }
            return Cell(text: text, value: Double(figure.value), suppressed: false)
        case .text(let key):
            return Cell(text: req.t(key), value: nil, suppressed: false)
        case .empty:
            return Cell(text: "", value: nil, suppressed: false)
        }
    }

    /// A table as CSV: a header of the column titles, then each row's label and its cells as shown (so a public
    /// file carries "≤15" where the page does).
    static func csv(_ table: Table) -> String {
        func field(_ text: String) -> String {
            let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            // A cell starting with = + - @ is read as a formula by spreadsheets: quoted and prefixed.
            let safe = text.first.map { "=+-@".contains($0) } == true ? "'" + text : text
            return needsQuotes || safe != text ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }
        var lines = [([""] + table.columns.map(\.title)).map(field).joined(separator: ",")]
        for row in table.rows {
            // Numbers go out as numbers (a negative gap stays -12); only words are guarded against formulas.
            lines.append(([field(row.label)] + row.cells.map { $0.value.map(Self.plain) ?? field($0.text) }).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A number as a spreadsheet reads it: digits, a point, no grouping.
    static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// Month names for the trend's rows.
enum CalendarDateText {
    /// `YYYY-MM` → "March 2026" / "март 2026".
    static func monthYear(_ id: String, in language: LanguageCode) -> String? {
        let parts = id.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language.rawValue)
        formatter.timeZone = .gmt
        formatter.setLocalizedDateFormatFromTemplate("LLLLyyyy")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: 1)) else { return nil }
        let text = formatter.string(from: date)
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}
