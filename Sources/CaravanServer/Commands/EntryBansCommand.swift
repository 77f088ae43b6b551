import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// `caravan entry-bans import FILE.csv`: loads the registry's decisions from a CSV file with the header
/// `citizenship,passport_number,name,birth_date,from,until,legal_basis,source`. All or nothing: one bad row and
/// nothing is imported, every refused row is printed with its line, and the exit status is non-zero.
struct EntryBansCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["import": EntryBansImportCommand()]
    var help: String { "Keeps the entry-ban registry." }
}

struct EntryBansImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A CSV file (UTF-8) with the header \(EntryBanImport.columns.joined(separator: ",")).")
        var file: String
        init() {}
    }

    var help: String { "Imports entry bans from a CSV file: every row, or none." }

    /// A file of a million bans is about 100 MB; 64 MB is far beyond any registry's delivery and keeps memory bounded.
    static let maximumBytes = 64 * 1_048_576

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let url = URL(fileURLWithPath: signature.file)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= Self.maximumBytes, let data = FileManager.default.contents(atPath: url.path) else {
            context.console.error(size > Self.maximumBytes ? "\(signature.file): larger than 64 MB" : "\(signature.file): cannot read the file")
            throw ExitCode.failure
        }
        guard let text = String(data: data, encoding: .utf8) else {
            context.console.error("\(signature.file): not UTF-8 text")
            throw ExitCode.failure
        }
        let parsed: (header: [String], rows: [EntryBanImport.Row])
        do {
            parsed = try EntryBanCSV.parse(text)
        } catch let error as EntryBanCSV.Unreadable {
            context.console.error("\(signature.file): not valid CSV (\(error.reason)); nothing imported")
            throw ExitCode.failure
        }
        try await app.autoMigrate()
        let outcome = try await app.entryBans.importRows(
            header: parsed.header, rows: parsed.rows, source: url.lastPathComponent, by: .cli
        )
        switch outcome {
        case .imported(let count):
            context.console.print("imported \(count) ban(s)")
        case .refused(let report):
            for line in Self.describe(report, catalogs: app.catalogs) { context.console.error(line) }
            context.console.error("nothing imported: \(report.refusedRows) row(s) refused, \(report.taken.count) row(s) fine")
            throw ExitCode.failure
        }
    }

    /// One line per problem, in English (the command line's language): `line 3, citizenship: No such country in ISO 3166.`
    static func describe(_ report: EntryBanImport.Report, catalogs: MessageCatalogs) -> [String] {
        report.refused.map { error in
            let place = error.field.isEmpty ? "line \(error.line)" : "line \(error.line), \(error.field)"
            return "\(place): \(catalogs.text("error.\(error.code)", in: .english, error.arguments)) [\(error.code)]"
        }
    }
}
