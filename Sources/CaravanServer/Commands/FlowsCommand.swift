import CaravanFlows
import Fluent
import Foundation
import Vapor

/// `caravan flows …`: departures and returns from mobility events under explicit definitions (docs/FLOWS.md).
///
/// - `sensitivity`: the same data under a grid of definitions — the default, a return needing 1, 30, 90 or 183 days at
///   home, the UN's 183-day rule, and a definition file of one's own — each class's count ("≤15" for 15 or fewer),
///   share and Wilson 95 % interval, and of those who left, the share that came back.
/// - `classify`: one definition's exact class counts, one `name: value` line each (for checks, not for publication).
/// - `import`: CSV (or gzip'd CSV) to Caravan's columnar file, through a temporary file renamed at the end.
/// - `sql`: the definition as one SQL query for a columnar engine (DuckDB's dialect).
///
/// Inputs are CSV, gzip'd CSV or the columnar file, told apart by their first bytes; text is sorted in memory bounded
/// by `--memory-mb` (runs spilled to disk beyond it). Bad lines are reported by number and nothing is counted or
/// written (`--skip-bad` takes the good ones and still reports the rest).
struct FlowsCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = [
        "sensitivity": FlowsSensitivityCommand(),
        "classify": FlowsClassifyCommand(),
        "import": FlowsImportCommand(),
        "sql": FlowsSQLCommand(),
    ]
    var help: String { "Departures and returns from mobility data, under explicit definitions." }
}

struct FlowsSensitivityCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", help: "Events: CSV sub,day,country,cnt (day as YYYY-MM-DD), gzip'd CSV, or a columnar file from `flows import`.")
        var input: String?
        @Option(name: "home", help: "The home country's two-letter code (UZ, TJ, KG, …).")
        var home: String?
        @Option(name: "definition", help: "A definition file (caravan-flows-definition/1) to add to the grid.")
        var definition: String?
        @Flag(name: "skip-bad", help: "Count the good lines when some are bad (they are still reported).")
        var skipBad: Bool
        @Option(name: "memory-mb", help: "Memory for sorting text input, in MB (default 1024; runs spill to disk beyond it).")
        var memoryMB: Int?
        @Option(name: "threads", help: "Threads for parsing and classifying (default: every core).")
        var threads: Int?
        @Option(name: "temp-dir", help: "Where sort runs are spilled (default: the system's temporary folder).")
        var temporaryDirectory: String?
        @Flag(name: "publish", help: "Publish the class counts on the observatory (/observatory), with --source.")
        var publish: Bool
        @Option(name: "source", help: "Where the events came from, as the observatory should say it (up to 300 characters).")
        var source: String?
        init() {}
    }

    var help: String { "Reads the data under a grid of definitions and shows how the returned share moves." }

    /// The grid: the default; a return needing 1, 30, 90, 183 days at home; the UN's 183-day residence.
    static func grid() -> [FlowDefinition] { FlowDefinition.sensitivityGrid }

    func run(using context: CommandContext, signature: Signature) async throws {
        let home = try FlowsInput.home(signature.home)
        let source = (signature.source ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if signature.publish, source.isEmpty || source.count > FlowEstimate.sourceMaximum {
            throw FlowsInput.Failed("invalid: --publish needs --source: where the events came from, 1 to \(FlowEstimate.sourceMaximum) characters")
        }
        var definitions = Self.grid()
        if let file = signature.definition { definitions.append(try FlowsInput.definition(file)) }
        let result = try FlowsInput.classify(
            path: signature.input, home: home, definitions: definitions, skipBad: signature.skipBad,
            settings: FlowsInput.settings(signature.memoryMB, signature.threads, signature.temporaryDirectory), console: context.console)
        context.console.print("events: \(result.rows), subscribers: \(result.tally.subscribers), home: \(home)")
        for summary in result.tally.summaries(definitions) {
            let d = summary.definition
            context.console.print("")
            context.console.print("\(d.name) (noise \(d.noiseDays) d, residence \(d.residenceDays) d, return \(d.returnDays) d)")
            for flowClass in FlowClass.allCases {
                let share = summary.share(flowClass)
                context.console.print("  \(flowClass.rawValue): \(FlowSummary.published(share.count))  \(Self.percent(share))")
            }
            context.console.print("  returned of those who left: \(Self.percent(summary.returnedOfLeft)) of \(FlowSummary.published(summary.returnedOfLeft.total))")
        }
        if signature.publish {
            // Class counts only, never a subscriber; the observatory applies its suppression when it shows them.
            let app = context.application
            try await app.autoMigrate()
            let estimate = FlowEstimate(publishedAt: app.dependencies.now(), source: source, home: home.description, events: result.rows,
                                        subscribers: result.tally.subscribers, summaries: result.tally.summaries(definitions))
            try await ObservatoryService(app: app, database: app.db).publish(estimate, by: "operator:cli")
            context.console.print("")
            context.console.print("published on the observatory: \(SiteURL.observatory.path)#flows")
        }
    }

    /// "31.2 % (95 % CI 28.0–34.6)"; a share of a count of 15 or fewer, or of a group of 15 or fewer, is not shown
    /// (it would give the count away).
    static func percent(_ share: Share) -> String {
        guard share.total > 15, share.count > 15 else { return "(not shown: ≤15)" }
        func p(_ value: Double) -> String { String(format: "%.1f", value * 100) }
        return "\(p(share.value)) % (95 % CI \(p(share.lower))–\(p(share.upper)))"
    }

    static func describe(_ error: any Error) -> String { FlowsInput.describe(error) }
}

/// `caravan flows classify --input X --home UZ [--definition F]`: one definition's exact class counts as
/// `name: value` lines — what `scripts/flows-check` compares with DuckDB's.
struct FlowsClassifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", help: "Events: CSV, gzip'd CSV or a columnar file.")
        var input: String?
        @Option(name: "home", help: "The home country's two-letter code.")
        var home: String?
        @Option(name: "definition", help: "A definition file, or a preset: default, un-183 (default: default).")
        var definition: String?
        @Flag(name: "skip-bad", help: "Count the good lines when some are bad (they are still reported).")
        var skipBad: Bool
        @Option(name: "memory-mb", help: "Memory for sorting text input, in MB (default 1024).")
        var memoryMB: Int?
        @Option(name: "threads", help: "Threads (default: every core).")
        var threads: Int?
        @Option(name: "temp-dir", help: "Where sort runs are spilled.")
        var temporaryDirectory: String?
        init() {}
    }

    var help: String { "Prints one definition's exact class counts (for checks; publish through sensitivity)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let home = try FlowsInput.home(signature.home)
        let definition = try signature.definition.map(FlowsInput.definition) ?? .standard
        let result = try FlowsInput.classify(
            path: signature.input, home: home, definitions: [definition], skipBad: signature.skipBad,
            settings: FlowsInput.settings(signature.memoryMB, signature.threads, signature.temporaryDirectory), console: context.console)
        context.console.print("definition: \(definition.name)")
        context.console.print("events: \(result.rows)")
        context.console.print("subscribers: \(result.tally.subscribers)")
        for flowClass in FlowClass.allCases {
            context.console.print("\(flowClass.rawValue): \(result.tally.count(definition: 0, flowClass))")
        }
        if result.spilledRuns > 0 { context.console.print("sort-runs-spilled: \(result.spilledRuns)") }
    }
}

/// `caravan flows import --input EVENTS.csv[.gz] --output FILE.cvf [--skip-bad] [--memory-mb N]`.
struct FlowsImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", help: "Events as CSV (optionally gzip'd): sub,day,country,cnt.")
        var input: String?
        @Option(name: "output", help: "The columnar file to write (written beside it first, renamed when complete).")
        var output: String?
        @Flag(name: "skip-bad", help: "Import the good lines when some are bad (the bad ones are reported and counted).")
        var skipBad: Bool
        @Option(name: "memory-mb", help: "Memory for sorting, in MB (default 1024; runs spill beside the output beyond it).")
        var memoryMB: Int?
        @Option(name: "threads", help: "Threads (default: every core).")
        var threads: Int?
        init() {}
    }

    var help: String { "Turns event CSV into Caravan's columnar file, so later analyses do not re-parse text." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let input = signature.input else { throw FlowsInput.Failed("invalid: --input EVENTS.csv is required") }
        guard let output = signature.output else { throw FlowsInput.Failed("invalid: --output FILE.cvf is required") }
        let kind = try FlowsInput.kind(input)
        guard kind != .columnar else { throw FlowsInput.Failed("invalid: \(input) is a columnar file already") }
        let folder = (output as NSString).deletingLastPathComponent
        let settings = FlowsInput.settings(signature.memoryMB, signature.threads, folder.isEmpty ? "." : folder)
        let result = try FlowsInput.withText(path: input, kind: kind, console: context.console, failure: "nothing was written") { fd throws(FlowError) in
            try FlowEngine.importCSV(fd: fd, output: output, settings: settings, skipBad: signature.skipBad)
        }
        FlowsInput.reportSkipped(result.badLines, total: result.badLineCount, console: context.console)
        let header = result.header
        context.console.print("imported: \(output)")
        context.console.print("rows: \(header.rows)")
        context.console.print("subscribers: \(header.subscribers)")
        context.console.print("blocks: \(header.blocks)")
        context.console.print("bytes: \(result.bytes)")
        context.console.print("days: \(FlowsInput.date(header.firstDay)) to \(FlowsInput.date(header.lastDay))")
        context.console.print("skipped-lines: \(result.badLineCount)")
        context.console.print("sort-runs-spilled: \(result.spilledRuns)")
    }
}

/// `caravan flows sql [--definition F] [--home UZ] [--table events]`: the definition as SQL.
struct FlowsSQLCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "definition", help: "A definition file, or a preset: default, un-183 (default: default).")
        var definition: String?
        @Option(name: "home", help: "The home country's two-letter code (default UZ).")
        var home: String?
        @Option(name: "table", help: "The events table: sub, day DATE, country, cnt (default events).")
        var table: String?
        init() {}
    }

    var help: String { "Prints the definition as SQL (window functions, gaps and islands) for DuckDB and its kin." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let home = try FlowsInput.home(signature.home ?? "UZ")
        let definition = try signature.definition.map(FlowsInput.definition) ?? .standard
        let table = signature.table ?? "events"
        guard FlowSQL.isPlainName(table) else { throw FlowsInput.Failed("invalid: --table must be a plain name (letters, digits, _ and .)") }
        context.console.output(FlowSQL.query(definition: definition, home: home, table: table).consoleText(), newLine: false)
    }
}

/// What the flows commands share: reading the options, opening an input (gzip through `gzip -dc`), the wording.
enum FlowsInput {
    struct Failed: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func home(_ code: String?) throws -> CountryKey {
        guard let code, let home = CountryKey(code.uppercased()) else {
            throw Failed("invalid: --home must be a two-letter country code (UZ, TJ, KG, …)")
        }
        return home
    }

    /// A definition file, or a preset's name when no such file exists.
    static func definition(_ file: String) throws -> FlowDefinition {
        if !FileManager.default.fileExists(atPath: file), let preset = FlowDefinition.presets.first(where: { $0.name == file }) { return preset }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Failed("invalid: cannot read \(file) (a definition file, or a preset: \(FlowDefinition.presets.map(\.name).joined(separator: ", ")))")
        }
        do {
            return try FlowDefinition.parse(data)
        } catch {
            throw Failed("invalid: \(file): \(describe(error))")
        }
    }

    static func settings(_ memoryMB: Int?, _ threads: Int?, _ temporaryDirectory: String?) -> FlowSettings {
        FlowSettings(memoryMB: memoryMB ?? FlowSettings.defaultMemoryMB, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                     temporaryDirectory: temporaryDirectory ?? NSTemporaryDirectory())
    }

    static func kind(_ path: String) throws -> FlowInputKind {
        do { return try FlowInputKind.detect(path: path) } catch { throw Failed("invalid: \(error)") }
    }

    static func classify(path: String?, home: CountryKey, definitions: [FlowDefinition], skipBad: Bool, settings: FlowSettings,
                         console: any Console) throws -> FlowEngine.Result {
        guard let path else { throw Failed("invalid: --input EVENTS.csv is required") }
        let kind = try kind(path)
        if kind == .columnar {
            do {
                return try FlowEngine.classify(columnar: path, home: home, definitions: definitions, threads: settings.threads)
            } catch {
                throw Failed("invalid: \(error)")
            }
        }
        let result = try withText(path: path, kind: kind, console: console, failure: "nothing was counted") { fd throws(FlowError) in
            try FlowEngine.classify(csv: fd, home: home, definitions: definitions, settings: settings, skipBad: skipBad)
        }
        reportSkipped(result.badLines, total: result.badLineCount, console: console)
        return result
    }

    /// Runs `body` on the text of `path` — the file itself, or `gzip -dc`'s output — and words its refusals.
    static func withText<T>(path: String, kind: FlowInputKind, console: any Console, failure: String,
                            _ body: (Int32) throws(FlowError) -> T) throws -> T {
        var process: Process?
        let errors = Pipe()
        let fd: Int32
        if kind == .gzip {
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
            gzip.arguments = ["-dc", "--", path]
            let output = Pipe()
            gzip.standardOutput = output
            gzip.standardError = errors
            do { try gzip.run() } catch { throw Failed("invalid: cannot run /bin/gzip to read \(path): \(error)") }
            process = gzip
            fd = output.fileHandleForReading.fileDescriptor
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw Failed("invalid: cannot read \(path)") }
        }
        defer {
            if let process {
                if process.isRunning { process.terminate() }
                process.waitUntilExit()
            } else {
                close(fd)
            }
        }
        let result: T
        do {
            result = try body(fd)
        } catch {
            if case .badLines(let first, let total) = error {
                for line in first { console.error("refused: \(line)") }
                if total > first.count { console.error("refused: … and \(total - first.count) more lines") }
                throw Failed("invalid: \(total) bad line(s); \(failure) (--skip-bad takes the good ones and reports the rest)")
            }
            throw Failed("invalid: \(path): \(error)")
        }
        if let process {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw Failed("invalid: \(path): gzip could not read it: \(said.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        return result
    }

    static func reportSkipped(_ lines: [EventCSV.RowError], total: Int, console: any Console) {
        guard total > 0 else { return }
        for line in lines { console.error("skipped: \(line)") }
        if total > lines.count { console.error("skipped: … and \(total - lines.count) more lines") }
        console.error("skipped: \(total) bad line(s) in all")
    }

    static func date(_ day: UInt16) -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: Double(day) * 86_400))
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
