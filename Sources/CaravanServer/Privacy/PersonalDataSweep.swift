import Fluent
import FluentSQL
import Foundation

/// Walks every stored personal value in batches and brings it to one form: sealed under the keyring's active key
/// (the migration that seals what was stored plain, and `caravan keys rotate`), or plain again (that migration's
/// revert). Values already in the wanted form are left alone, so a run that stopped half-way (a crash, or
/// `batchLimit`) is finished by running it again.
///
/// Rows are read and rewritten with raw SQL, never through the models: the models can only read sealed values.
/// Each batch is one transaction whose rows are locked (`FOR UPDATE` on PostgreSQL; SQLite has one writer), so a
/// server writing the same row meanwhile waits and nothing it writes is lost. A server started with the old
/// keyring seals its own new writes under the old key until it restarts; running the sweep again re-seals those.
struct PersonalDataSweep: Sendable {
    enum Target: Sendable, Equatable {
        case activeKey
        case plain
    }

    /// Where personal values are stored: text columns, JSON arrays of objects (with the keys that are personal),
    /// and whether the table keeps a passport blind index.
    struct Table: Sendable {
        let name: String
        var text: [String] = []
        var json: [(column: String, keys: [String])] = []
        var passportIndex = false
    }

    static let tables = [
        Table(name: SpecialistProfile.schema, text: ["birth_date", "passport_number", "passport_expires_on"],
              json: [("family", ["name", "birthDate"])]),
        Table(name: PermitCase.schema, json: [("persons", ["name", "birthDate", "passportNumber", "passportExpiresOn"])]),
        Table(name: EntryBan.schema, text: ["passport_number", "birth_date"], passportIndex: true),
        Table(name: CentreBooking.schema, text: ["person_name", "person_birth_date"]),
        Table(name: ResidencyApplication.schema, text: ["name_original", "name_latin", "birth_date", "passport_number", "passport_expires_on"]),
        Table(name: Resident.schema, text: ["name_latin"]),
        Table(name: GrantApplication.schema, text: ["school_certificate"]),
    ]

    struct Report: Sendable, Equatable {
        var rowsRead = 0
        /// Values (and document files) rewritten.
        var changed = 0
        /// Values and files found, by the key that sealed them (`plain` for none), before any change.
        var found: [String: Int] = [:]
        var batches = 0
        /// False when `batchLimit` stopped the run before the end.
        var finished = true

        /// Values and files not in the wanted form when they were read.
        func pending(for keyring: DataKeyring) -> Int {
            found.filter { $0.key != keyring.activeID }.values.reduce(0, +)
        }
    }

    let database: any Database
    let keyring: DataKeyring
    let dataDirectory: URL
    var target: Target = .activeKey
    /// Rows per transaction: 200 rows of a few small values each is a short lock and little memory.
    var batchSize = 200
    /// Stop after this many batches (for tests of an interrupted run); nil runs to the end.
    var batchLimit: Int?
    /// Only count what is there, by key; change nothing (`caravan keys status`, and rotate's first look).
    var countOnly = false
    var progress: @Sendable (String) -> Void = { _ in }

    func run() async throws -> Report {
        var report = Report()
        for table in Self.tables {
            guard try await sweep(table, into: &report) else { return report }
        }
        _ = try await sweepDocuments(into: &report)
        return report
    }

    // MARK: One value

    /// The value in the wanted form, or nil when it is in it already.
    func converted(_ value: String) throws -> String? {
        let id = DataKeyring.keyID(of: value)
        switch target {
        case .activeKey:
            if id == keyring.activeID { return nil }
            return try keyring.seal(id == nil ? value : keyring.open(value))
        case .plain:
            guard id != nil else { return nil }
            return try keyring.open(value)
        }
    }

    func plain(_ value: String) throws -> String {
        DataKeyring.keyID(of: value) == nil ? value : try keyring.open(value)
    }

    // MARK: Tables

    /// False when the batch limit stopped the run.
    private func sweep(_ table: Table, into report: inout Report) async throws -> Bool {
        var after: UUID?
        while true {
            if let limit = batchLimit, report.batches >= limit {
                report.finished = false
                return false
            }
            let start = after
            let batch = try await database.writeTransaction { db in
                try await self.batch(of: table, after: start, on: db)
            }
            report.batches += 1
            report.rowsRead += batch.rows
            report.changed += batch.changed
            report.found.merge(batch.found, uniquingKeysWith: +)
            if batch.rows > 0 {
                progress("\(table.name): \(report.rowsRead) rows read so far, \(batch.changed) value(s) \(countOnly ? "counted" : "re-sealed") in this batch")
            }
            guard batch.rows == batchSize, let last = batch.last else { return true }
            after = last
        }
    }

    private struct Batch: Sendable {
        var rows = 0
        var changed = 0
        var found: [String: Int] = [:]
        var last: UUID?
    }

    private func batch(of table: Table, after: UUID?, on db: any Database) async throws -> Batch {
        guard let sql = db as? any SQLDatabase else { throw SealingError.notSealed }
        var select = sql.select().column("id").from(table.name)
        for column in table.text + table.json.map(\.column) { select = select.column(SQLIdentifier(column)) }
        if table.passportIndex { select = select.column("passport_index") }
        if let after { select = select.where("id", .greaterThan, after) }
        let rows = try await select.orderBy("id").limit(batchSize).for(.update).all()

        var batch = Batch(rows: rows.count)
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            batch.last = id
            var update = sql.update(table.name)
            var changed = 0
            for column in table.text {
                guard let value = try row.decode(column: column, as: String?.self) else { continue }
                batch.found[DataKeyring.keyID(of: value) ?? "plain", default: 0] += 1
                if !countOnly, let new = try converted(value) {
                    update = update.set(SQLIdentifier(column), to: SQLBind(new))
                    changed += 1
                }
                if table.passportIndex, column == "passport_number", target == .activeKey, !countOnly,
                   try row.decode(column: "passport_index", as: String?.self) == nil {
                    update = update.set(SQLIdentifier("passport_index"), to: SQLBind(keyring.blindIndex(passport: try plain(value))))
                    changed += 1
                }
            }
            for (column, keys) in table.json {
                let elements = try row.decode(column: column, as: [JSONValue].self)
                var rewritten = false
                let converted = try elements.map { element -> JSONValue in
                    guard case .object(var object) = element else { return element }
                    for key in keys {
                        guard case .string(let value) = object[key] else { continue }
                        batch.found[DataKeyring.keyID(of: value) ?? "plain", default: 0] += 1
                        if !countOnly, let new = try self.converted(value) {
                            object[key] = .string(new)
                            rewritten = true
                            changed += 1
                        }
                    }
                    return .object(object)
                }
                if rewritten { update = update.set(SQLIdentifier(column), to: SQLBind(converted)) }
            }
            if changed > 0 {
                try await update.where("id", .equal, id).run()
                batch.changed += changed
            }
        }
        return batch
    }

    // MARK: Document files

    /// Every document file a row names, sealed (or opened) in place: written beside and renamed over the old
    /// one, so a crash leaves either whole file.
    private func sweepDocuments(into report: inout Report) async throws -> Bool {
        var seen: Set<String> = []
        // Permit documents, and the photos of residency applications (kept the same way).
        for (table, column) in [(PermitDocumentFile.schema, "sha256"), (ResidencyApplication.schema, "photo_sha256")] {
            guard try await sweepDocuments(in: table, column: column, seen: &seen, into: &report) else { return false }
        }
        return true
    }

    private func sweepDocuments(in table: String, column: String, seen: inout Set<String>, into report: inout Report) async throws -> Bool {
        var after: UUID?
        while true {
            if let limit = batchLimit, report.batches >= limit {
                report.finished = false
                return false
            }
            guard let sql = database as? any SQLDatabase else { return true }
            var select = sql.select().column("id").column(SQLAlias(SQLIdentifier(column), as: SQLIdentifier("sha256"))).from(table)
            if let after { select = select.where("id", .greaterThan, after) }
            let rows = try await select.orderBy("id").limit(batchSize).all()
            report.batches += 1
            report.rowsRead += rows.count
            var changed = 0
            for row in rows {
                let sha = try row.decode(column: "sha256", as: String.self)
                guard seen.insert(sha).inserted else { continue }
                let url = PermitDocumentFile.url(sha, in: dataDirectory)
                guard let bytes = FileManager.default.contents(atPath: url.path) else { continue }
                let id = DataKeyring.keyID(of: bytes)
                report.found[id ?? "plain", default: 0] += 1
                guard !countOnly else { continue }
                let new: Data
                switch target {
                case .activeKey:
                    if id == keyring.activeID { continue }
                    new = try keyring.seal(bytes: id == nil ? bytes : keyring.open(bytes: bytes))
                case .plain:
                    if id == nil { continue }
                    new = try keyring.open(bytes: bytes)
                }
                try new.write(to: url, options: .atomic)
                changed += 1
            }
            report.changed += changed
            if !rows.isEmpty {
                progress("\(table): \(report.rowsRead) rows read so far, \(changed) file(s) \(countOnly ? "counted" : "re-sealed") in this batch")
            }
            guard rows.count == batchSize, let last = rows.last else { return true }
            after = try last.decode(column: "id", as: UUID.self)
        }
    }
}

/// Any JSON value: what the sweep reads a JSON column's elements as, so it rewrites the personal keys and keeps
/// every other key as it was.
enum JSONValue: Codable, Hashable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), single.decodeNil() {
            self = .null
            return
        }
        // An object next, and only a type mismatch tries the rest: PostgreSQL's row decoder answers "decode this
        // as JSON" with another error, which must reach it (it then hands the element to a JSON decoder).
        do {
            let container = try decoder.container(keyedBy: Key.self)
            var object: [String: JSONValue] = [:]
            for key in container.allKeys { object[key.stringValue] = try container.decode(JSONValue.self, forKey: key) }
            self = .object(object)
            return
        } catch DecodingError.typeMismatch {}
        if var container = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !container.isAtEnd { array.append(try container.decode(JSONValue.self)) }
            self = .array(array)
            return
        }
        let single = try decoder.singleValueContainer()
        if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(Int.self) { self = .integer(value) }
        else if let value = try? single.decode(Double.self) { self = .number(value) }
        else { self = .string(try single.decode(String.self)) }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let object):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in object { try container.encode(value, forKey: Key(stringValue: key)) }
        case .array(let array):
            var container = encoder.unkeyedContainer()
            for value in array { try container.encode(value) }
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }
}
