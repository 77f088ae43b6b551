import Crypto
import Foundation

/// The keys personal data is sealed with (AES-256-GCM), and the separate key of the blind index (HMAC-SHA256).
///
/// Every sealed value names the key that sealed it (`v1:<key id>:<base64(nonce | ciphertext | tag)>`), so keys
/// coexist: every key here opens, the active one seals. The index key never seals anything: it only makes the
/// passport lookup of the entry-ban check possible without the number in the database.
///
/// The keys live outside the database: in a key file (by default `<data>/keys/data-keys`, made at first start,
/// mode 0600) or inline in `CARAVAN_DATA_KEYS`. Both use the same lines:
///
///     index <base64 of 32 bytes>
///     key <id> <base64 of 32 bytes>      (one line per key, oldest first)
///     active <id>
struct DataKeyring: Sendable {
    /// Key ids in the order they were made (the file's order).
    let keyIDs: [String]
    let keys: [String: SymmetricKey]
    let activeID: String
    let indexKey: SymmetricKey

    /// The envelope's version: what a later format would change.
    static let version = "v1"

    init(keys: [(id: String, key: SymmetricKey)], activeID: String, indexKey: SymmetricKey) {
        keyIDs = keys.map(\.id)
        self.keys = Dictionary(keys.map { ($0.id, $0.key) }, uniquingKeysWith: { $1 })
        self.activeID = activeID
        self.indexKey = indexKey
    }

    /// A fresh keyring: one data key, active, and an index key.
    static func generate() -> DataKeyring {
        let id = newKeyID()
        return DataKeyring(keys: [(id, SymmetricKey(size: .bits256))], activeID: id, indexKey: SymmetricKey(size: .bits256))
    }

    /// `k` and 12 random hex digits: short (it is in every sealed value), unlikely to repeat.
    static func newKeyID() -> String {
        "k" + SymmetricKey(size: .bits128).withUnsafeBytes { Array($0.prefix(6)) }.map { String(format: "%02x", $0) }.joined()
    }

    /// The same keys with a new one made and made active (the old ones still open what they sealed).
    func addingNewActiveKey() -> DataKeyring {
        let id = Self.newKeyID()
        let existing: [(id: String, key: SymmetricKey)] = keyIDs.map { (id: $0, key: keys[$0]!) }
        return DataKeyring(keys: existing + [(id: id, key: SymmetricKey(size: .bits256))], activeID: id, indexKey: indexKey)
    }

    // MARK: Sealing text

    /// `v1:<active id>:<base64(nonce | ciphertext | tag)>`; the prefix is authenticated too, so a value cannot be
    /// relabelled with another key's id.
    func seal(_ text: String) throws -> String {
        "\(prefix(activeID))\(try seal(Data(text.utf8), id: activeID).base64EncodedString())"
    }

    /// The text a sealed value holds, opened with this keyring's own keys.
    func open(_ envelope: String) throws -> String {
        guard let (id, body) = Self.split(envelope) else { throw SealingError.notSealed }
        guard let key = keys[id] else { throw SealingError.unknownKey(id) }
        return try Self.open(body, id: id, key: key)
    }

    /// The id of the key that sealed `value`, or nil when it is not a sealed value (plain text from before sealing).
    static func keyID(of value: String) -> String? {
        split(value)?.id
    }

    static func split(_ envelope: String) -> (id: String, body: Substring)? {
        let parts = envelope.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == version, !parts[1].isEmpty else { return nil }
        return (String(parts[1]), parts[2])
    }

    static func open(_ body: Substring, id: String, key: SymmetricKey) throws -> String {
        guard let combined = Data(base64Encoded: String(body)) else { throw SealingError.failedAuthentication(keyID: id) }
        let plain = try open(combined: combined, id: id, key: key)
        guard let text = String(data: plain, encoding: .utf8) else { throw SealingError.failedAuthentication(keyID: id) }
        return text
    }

    // MARK: Sealing bytes (document files)

    /// `v1:<active id>:` then the raw nonce, ciphertext and tag: a file grows by 28 bytes and the prefix.
    func seal(bytes: Data) throws -> Data {
        Data(prefix(activeID).utf8) + (try seal(bytes, id: activeID))
    }

    func open(bytes: Data) throws -> Data {
        guard let (id, body) = Self.split(bytes: bytes) else { throw SealingError.notSealed }
        guard let key = keys[id] else { throw SealingError.unknownKey(id) }
        return try Self.open(combined: body, id: id, key: key)
    }

    /// The key id of sealed file bytes, or nil for a plain file (a PDF, PNG or JPEG never starts with `v1:`).
    static func keyID(of bytes: Data) -> String? {
        split(bytes: bytes)?.id
    }

    static func split(bytes: Data) -> (id: String, body: Data)? {
        let head = Array(bytes.prefix(64))
        guard head.starts(with: Array("\(version):".utf8)) else { return nil }
        let start = version.utf8.count + 1
        guard let end = head[start...].firstIndex(of: UInt8(ascii: ":")), end > start,
              let id = String(bytes: head[start..<end], encoding: .utf8) else { return nil }
        return (id, bytes.dropFirst(end + 1))
    }

    // MARK: The blind index

    /// A passport number as the database may hold it for lookups: HMAC-SHA256 under the index key, hex. Equal
    /// numbers give equal indexes; without the key nobody can tell which number it is (nor try them all).
    func blindIndex(passport normalized: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("passport:\(normalized)".utf8), using: indexKey)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// A person on a profile, as the centres' bookings key them: equal name and birth date, equal key; the key
    /// tells nothing without the index key.
    func blindIndex(person name: String, birthDate: String) -> String {
        let normalized = name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return HMAC<SHA256>.authenticationCode(for: Data("person:\(normalized)|\(birthDate)".utf8), using: indexKey)
            .map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Private

    private func prefix(_ id: String) -> String { "\(Self.version):\(id):" }

    private func seal(_ data: Data, id: String) throws -> Data {
        guard let key = keys[id] else { throw SealingError.unknownKey(id) }
        let box = try AES.GCM.seal(data, using: key, authenticating: Data(prefix(id).utf8))
        guard let combined = box.combined else { throw SealingError.failedAuthentication(keyID: id) }
        return combined
    }

    private static func open(combined: some DataProtocol, id: String, key: SymmetricKey) throws -> Data {
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return try AES.GCM.open(box, using: key, authenticating: Data("\(version):\(id):".utf8))
        } catch {
            throw SealingError.failedAuthentication(keyID: id)
        }
    }
}

/// Why a sealed value cannot be read or written. Never carries the value itself.
enum SealingError: Error, CustomStringConvertible, Equatable {
    /// Where a sealed value belongs, something else is stored.
    case notSealed
    /// Sealed under a key this installation does not hold (a key file from another installation, or lost).
    case unknownKey(String)
    /// The stored value was altered, or sealed under a different key that carries the same id.
    case failedAuthentication(keyID: String)
    /// A changed value reached the database without being sealed: a programming error, refused rather than
    /// written in plain.
    case unsealedWrite

    var description: String {
        switch self {
        case .notSealed:
            "a personal-data field holds a value that is not sealed (v1:<key>:…)"
        case .unknownKey(let id):
            "a personal-data field is sealed under key '\(id)', which this installation's keyring does not hold (CARAVAN_DATA_KEYS or the key file)"
        case .failedAuthentication(let id):
            "a personal-data field sealed under key '\(id)' fails its authentication check: the stored value was altered"
        case .unsealedWrite:
            "a personal-data field was about to be written without being sealed (the sealing middleware did not see the model)"
        }
    }
}
