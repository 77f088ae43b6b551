import CaravanPermits
import Foundation
import SwiftCSV

/// Reads a file of entry bans with SwiftCSV (RFC 4180: quoted fields may hold commas, quotes and line breaks) and
/// numbers each row by the line it starts on, so a refused row can be found in an editor.
enum EntryBanCSV {
    struct Unreadable: Error {
        let reason: String
    }

    static func parse(_ text: String) throws -> (header: [String], rows: [EntryBanImport.Row]) {
        let csv: EnumeratedCSV
        do {
            csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw Unreadable(reason: "\(error)")
        }
        // `rows` pads short rows to the longest; the raw rows keep their own length, so a missing field is seen.
        var raw: [[String]] = []
        do {
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { raw.append($0) }
        } catch {
            throw Unreadable(reason: "\(error)")
        }
        var line = 2 + lineBreaks(in: csv.header)
        var rows: [EntryBanImport.Row] = []
        for fields in raw {
            // A blank line is no row (spreadsheets often leave one at the end).
            if fields != [""] { rows.append(EntryBanImport.Row(line: line, fields: fields)) }
            line += 1 + lineBreaks(in: fields)
        }
        return (csv.header, rows)
    }

    /// Line breaks inside quoted fields: each moves the next row one line down ("\r\n" is one character, one line).
    private static func lineBreaks(in fields: [String]) -> Int {
        fields.reduce(0) { $0 + $1.filter(\.isNewline).count }
    }
}
