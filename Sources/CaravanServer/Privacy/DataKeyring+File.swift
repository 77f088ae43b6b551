import Crypto
import Foundation

extension DataKeyring {
    /// Reads the lines of a key file or of `CARAVAN_DATA_KEYS` (where `;` may stand for a line break).
    /// The message of a failure names the line, never a key.
    static func parse(_ text: String) throws(KeyringFormatError) -> DataKeyring {
        var keys: [(id: String, key: SymmetricKey)] = []
        var active: String?
        var index: SymmetricKey?
        // A comment runs to the end of its line; `;` separates entries elsewhere.
        let lines = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .flatMap { $0.split(separator: ";") }
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            func key(_ base64: String) throws(KeyringFormatError) -> SymmetricKey {
                guard let data = Data(base64Encoded: base64), data.count == 32 else {
                    throw KeyringFormatError(problem: "entry \(number + 1): a key must be 32 bytes in base64")
                }
                return SymmetricKey(data: data)
            }
            switch (words.first, words.count) {
            case ("index", 2):
                index = try key(words[1])
            case ("key", 3):
                let id = words[1]
                guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), id.count <= 32 else {
                    throw KeyringFormatError(problem: "entry \(number + 1): a key id is up to 32 letters, digits, '-' or '_'")
                }
                guard !keys.contains(where: { $0.id == id }) else {
                    throw KeyringFormatError(problem: "entry \(number + 1): key '\(id)' is listed twice")
                }
                keys.append((id, try key(words[2])))
            case ("active", 2):
                active = words[1]
            default:
                throw KeyringFormatError(problem: "entry \(number + 1): expected 'index <base64>', 'key <id> <base64>' or 'active <id>'")
            }
        }
        guard let index else { throw KeyringFormatError(problem: "no 'index <base64>' entry (the blind index key)") }
        guard !keys.isEmpty else { throw KeyringFormatError(problem: "no 'key <id> <base64>' entry") }
        let activeID = active ?? keys[keys.count - 1].id
        guard keys.contains(where: { $0.id == activeID }) else {
            throw KeyringFormatError(problem: "'active \(activeID)' names a key that is not listed")
        }
        return DataKeyring(keys: keys, activeID: activeID, indexKey: index)
    }

    /// The keyring the configuration names.
    static func load(_ source: AppConfiguration.DataKeys) throws(ConfigurationError) -> DataKeyring {
        switch source {
        case .file(let file):
            return try loadOrCreate(file: file)
        case .inline(let text):
            do { return try parse(text) } catch { throw ConfigurationError(variable: "CARAVAN_DATA_KEYS", problem: error.problem) }
        }
    }

    /// The key file's text: what `parse` reads back.
    var fileText: String {
        func base64(_ key: SymmetricKey) -> String { key.withUnsafeBytes { Data($0) }.base64EncodedString() }
        var lines = [
            "# Caravan data keys. Secret: keep this file out of database backups and back it up on its own.",
            "# Sealed values name their key; every key listed opens, the active one seals. `caravan keys rotate`",
            "# adds a key and re-seals everything under it. The index key makes passport lookups; it is never rotated.",
            "index \(base64(indexKey))",
        ]
        lines += keyIDs.map { "key \($0) \(base64(keys[$0]!))" }
        lines.append("active \(activeID)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where the key file is when `CARAVAN_DATA_KEYS_FILE` does not say.
    static func defaultFile(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("keys").appendingPathComponent("data-keys")
    }

    /// The keyring in `file`; a new one written there (mode 0600) when there is no file yet — the first start of
    /// an installation, the demo and every test. A file that exists but does not read is an error, never replaced.
    static func loadOrCreate(file: URL) throws(ConfigurationError) -> DataKeyring {
        if FileManager.default.fileExists(atPath: file.path) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw ConfigurationError(variable: "CARAVAN_DATA_KEYS_FILE", problem: "cannot read \(file.path)")
            }
            do { return try parse(text) } catch {
                throw ConfigurationError(variable: "CARAVAN_DATA_KEYS_FILE", problem: "\(file.path): \(error.problem)")
            }
        }
        let keyring = generate()
        do { try keyring.write(to: file) } catch {
            throw ConfigurationError(variable: "CARAVAN_DATA_KEYS_FILE", problem: "cannot create \(file.path): \(error.localizedDescription)")
        }
        return keyring
    }

    /// Replaces the file at once (a crash leaves the old file or the new one, never half of one), readable by
    /// its owner only.
    func write(to file: URL) throws {
        let folder = file.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.path) {
            // A folder of our own (`<data>/keys`) is closed to others; one the operator chose is theirs to set.
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(fileText.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        if rename(temporary.path, file.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }
}

/// A key file or `CARAVAN_DATA_KEYS` that does not read.
struct KeyringFormatError: Error, CustomStringConvertible {
    let problem: String
    var description: String { problem }
}
