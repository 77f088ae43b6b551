import CaravanDomain
import Foundation

/// The rules for a file of entry bans, after a CSV parser has split it into rows: which columns it must have, and
/// each row checked by `EntryBanRules`. Every problem of every row is reported at once, so one round of fixes does.
public enum EntryBanImport {
    /// The columns a file must have (in any order; others are refused, so a misspelt column is not silently lost).
    public static let columns = ["citizenship", "passport_number", "name", "birth_date", "from", "until", "legal_basis", "source"]

    /// A row as parsed, with the line of the file it starts on (a quoted field can span lines).
    public struct Row: Sendable, Equatable {
        public let line: Int
        public let fields: [String]

        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// One problem with one row (or with the header, line 1). `field` is the CSV column.
    public struct RowError: Sendable, Equatable {
        public let line: Int
        public let field: String
        public let code: String
        public let arguments: [String: String]

        public init(line: Int, field: String, code: String, arguments: [String: String] = [:]) {
            self.line = line
            self.field = field
            self.code = code
            self.arguments = arguments
        }
    }

    public struct Report: Sendable, Equatable {
        /// The rows that passed, with their lines, in file order.
        public let taken: [(line: Int, ban: ValidEntryBan)]
        public let refused: [RowError]

        /// A file is imported only when no row is refused: all or nothing.
        public var isClean: Bool { refused.isEmpty }

        /// The number of rows refused (a row with three problems counts once).
        public var refusedRows: Int { Set(refused.map(\.line)).count }

        public static func == (lhs: Report, rhs: Report) -> Bool {
            lhs.refused == rhs.refused && lhs.taken.map(\.line) == rhs.taken.map(\.line) && lhs.taken.map(\.ban) == rhs.taken.map(\.ban)
        }
    }

    /// The API's field name for each column, to translate `EntryBanRules`' errors back to the file's words.
    private static let fieldOfColumn = [
        "citizenship": "citizenship", "passport_number": "passportNumber", "name": "name", "birth_date": "birthDate",
        "from": "from", "until": "until", "legal_basis": "legalBasis", "source": "source",
    ]

    public static func check(
        header: [String], rows: [Row], today: CalendarDate, defaultSource: String, newID: () -> String
    ) -> Report {
        let names = header.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        var headerErrors: [RowError] = []
        for column in columns where !names.contains(column) {
            headerErrors.append(RowError(line: 1, field: column, code: "csv.columnMissing"))
        }
        for (index, name) in names.enumerated() where !columns.contains(name) || names.firstIndex(of: name) != index {
            headerErrors.append(RowError(line: 1, field: name, code: "csv.columnUnknown"))
        }
        // Without a sound header no row can be read for sure.
        guard headerErrors.isEmpty else { return Report(taken: [], refused: headerErrors) }
        let columnOfField = Dictionary(uniqueKeysWithValues: fieldOfColumn.map { ($1, $0) })

        var taken: [(line: Int, ban: ValidEntryBan)] = []
        var refused: [RowError] = []
        for row in rows {
            // Spreadsheets export cleared rows as ",,,,,,,"; such a row says nothing and is not refused.
            if row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { continue }
            guard row.fields.count == names.count else {
                refused.append(RowError(line: row.line, field: "", code: "csv.fieldCount",
                                        arguments: ["expected": "\(names.count)", "found": "\(row.fields.count)"]))
                continue
            }
            var value: [String: String] = [:]
            for (name, field) in zip(names, row.fields) { value[name] = field }
            let input = EntryBanInput(
                citizenship: value["citizenship"] ?? "", passportNumber: value["passport_number"] ?? "", name: value["name"] ?? "",
                birthDate: value["birth_date"] ?? "", from: value["from"] ?? "", until: value["until"] ?? "",
                legalBasis: value["legal_basis"] ?? "", source: value["source"] ?? ""
            )
            do {
                taken.append((row.line, try EntryBanRules.validate(input, id: newID(), today: today, defaultSource: defaultSource)))
            } catch {
                refused += error.errors.map {
                    RowError(line: row.line, field: columnOfField[$0.field] ?? $0.field, code: $0.code, arguments: $0.arguments)
                }
            }
        }
        return Report(taken: taken, refused: refused)
    }
}
