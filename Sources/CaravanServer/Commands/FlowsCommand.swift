import CaravanFlows
import Foundation
import Vapor

/// `caravan flows sensitivity --input EVENTS.csv --home UZ`: the same mobility data read under a grid of
/// definitions — the default, a return needing 1, 30, 90 or 183 days at home, the UN's 183-day rule, and a definition
/// file of one's own — each class's count ("≤15" for 15 or fewer), share and Wilson 95 % interval, and of those who
/// left, the share that came back. Bad lines are reported by number and nothing is counted (`--skip-bad` counts the
/// good ones and still reports the rest). The definition is docs/FLOWS.md.
struct FlowsCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["sensitivity": FlowsSensitivityCommand()]
    var help: String { "Departures and returns from mobility data, under explicit definitions." }
}

struct FlowsSensitivityCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", help: "Events as CSV: sub,day,country,cnt (day as YYYY-MM-DD).")
        var input: String?
        @Option(name: "home", help: "The home country's two-letter code (UZ, TJ, KG, …).")
        var home: String?
        @Option(name: "definition", help: "A definition file (caravan-flows-definition/1) to add to the grid.")
        var definition: String?
        @Flag(name: "skip-bad", help: "Count the good lines when some are bad (they are still reported).")
        var skipBad: Bool
        init() {}
    }

    var help: String { "Reads the data under a grid of definitions and shows how the returned share moves." }

    /// A text file this size is read whole; larger inputs wait for the columnar import.
    static let maximumBytes = 512 * 1_048_576

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// The grid: the default; a return needing 1, 30, 90, 183 days at home; the UN's 183-day residence.
    static func grid() -> [FlowDefinition] {
        [FlowDefinition.standard] + [1, 90, 183].map { days in
            var definition = FlowDefinition.standard
            definition.name = "return-\(days)d"
            definition.returnDays = days
            return definition
        } + [FlowDefinition.un183]
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.input else { throw Failed(description: "invalid: --input EVENTS.csv is required") }
        guard let code = signature.home, let home = CountryKey(code.uppercased()) else {
            throw Failed(description: "invalid: --home must be a two-letter country code (UZ, TJ, KG, …)")
        }
        var definitions = Self.grid()
        if let file = signature.definition {
            guard let data = FileManager.default.contents(atPath: file) else { throw Failed(description: "invalid: cannot read \(file)") }
            do {
                definitions.append(try FlowDefinition.parse(data))
            } catch {
                throw Failed(description: "invalid: \(file): \(Self.describe(error))")
            }
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? Int else { throw Failed(description: "invalid: cannot read \(path)") }
        guard size <= Self.maximumBytes else { throw Failed(description: "invalid: \(path) is over \(Self.maximumBytes / 1_048_576) MB") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failed(description: "invalid: \(path) is not UTF-8 text")
        }
        let (events, errors) = EventCSV.read(text, skipBad: signature.skipBad)
        for error in errors.prefix(50) { context.console.error("refused: \(error)") }
        if errors.count > 50 { context.console.error("refused: … and \(errors.count - 50) more lines") }
        if events.isEmpty || (!errors.isEmpty && !signature.skipBad) {
            throw Failed(description: "invalid: \(errors.count) bad line(s); nothing was counted" + (signature.skipBad ? "" : " (--skip-bad counts the good ones)"))
        }
        var analysis = FlowAnalysis(home: home)
        analysis.add(contentsOf: events)
        context.console.print("events: \(events.count), subscribers: \(analysis.subscribers), home: \(home)")
        for summary in analysis.summaries(definitions) {
            let d = summary.definition
            context.console.print("")
            context.console.print("\(d.name) (noise \(d.noiseDays) d, residence \(d.residenceDays) d, return \(d.returnDays) d)")
            for flowClass in FlowClass.allCases {
                let share = summary.share(flowClass)
                context.console.print("  \(flowClass.rawValue): \(FlowSummary.published(share.count))  \(Self.percent(share))")
            }
            context.console.print("  returned of those who left: \(Self.percent(summary.returnedOfLeft)) of \(FlowSummary.published(summary.returnedOfLeft.total))")
        }
    }

    /// "31.2 % (95 % CI 28.0–34.6)"; a share of a count of 15 or fewer, or of a group of 15 or fewer, is not shown
    /// (it would give the count away).
    static func percent(_ share: Share) -> String {
        guard share.total > 15, share.count > 15 else { return "(not shown: ≤15)" }
        func p(_ value: Double) -> String { String(format: "%.1f", value * 100) }
        return "\(p(share.value)) % (95 % CI \(p(share.lower))–\(p(share.upper)))"
    }

    static func describe(_ error: any Error) -> String {
        switch error as? FlowDefinition.ParseError {
        case .notJSON?: "not JSON"
        case .formatUnknown?: "the format must be \(FlowDefinition.format)"
        case .unknownParameters(let names)?: "unknown parameter(s): \(names.joined(separator: ", "))"
        case .notWholeDays(let name)?: "\(name) must be a whole number of days"
        case .impossible(let problems)?: problems.map(\.description).joined(separator: "; ")
        case nil: "\(error)"
        }
    }
}
