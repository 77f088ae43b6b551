import Crypto
import Foundation

/// A personal value stored sealed: the plain value in memory, the envelope in the database.
///
/// Reading a row opens the value (a row that does not open fails to load, with `SealingError` saying why);
/// changing it drops the envelope, and `SealingMiddleware` seals it again under the application's active key
/// before the row is written. Writing an unsealed value throws instead of storing it in plain. Two values are
/// equal when their plain values are, however they were sealed.
@propertyWrapper
struct Sealed<Value: SealableText>: Codable, Hashable, Sendable {
    var wrappedValue: Value {
        didSet { envelope = nil }
    }

    /// The stored form; nil for a value made or changed since the row was read.
    private(set) var envelope: String?

    init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
        envelope = nil
    }

    /// Whether the middleware has something to do.
    var needsSealing: Bool { envelope == nil && wrappedValue.sealableText != nil }

    /// This value under `keyring`'s active key (unchanged when it already has an envelope).
    func sealed(with keyring: DataKeyring) throws -> Sealed {
        guard needsSealing, let text = wrappedValue.sealableText else { return self }
        var copy = self
        copy.envelope = try keyring.seal(text)
        return copy
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            wrappedValue = try Value(sealableText: nil)
            envelope = nil
        } else {
            let stored = try container.decode(String.self)
            wrappedValue = try Value(sealableText: OpeningKeys.shared.open(stored))
            envelope = stored
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        guard wrappedValue.sealableText != nil else { return try container.encodeNil() }
        guard let envelope else { throw SealingError.unsealedWrite }
        try container.encode(envelope)
    }

    static func == (lhs: Sealed, rhs: Sealed) -> Bool { lhs.wrappedValue == rhs.wrappedValue }
    func hash(into hasher: inout Hasher) { hasher.combine(wrappedValue) }
}

/// What `Sealed` can hold: text, or text that may be absent.
protocol SealableText: Hashable, Sendable {
    var sealableText: String? { get }
    init(sealableText text: String?) throws
}

extension String: SealableText {
    var sealableText: String? { self }
    init(sealableText text: String?) throws {
        guard let text else { throw SealingError.notSealed }
        self = text
    }
}

extension Optional: SealableText where Wrapped == String {
    var sealableText: String? { self }
    init(sealableText text: String?) { self = text }
}

extension KeyedDecodingContainer {
    /// An optional sealed value may be missing from a JSON object altogether (Swift leaves nil out).
    func decode(_ type: Sealed<String?>.Type, forKey key: Key) throws -> Sealed<String?> {
        try decodeIfPresent(type, forKey: key) ?? Sealed(wrappedValue: nil)
    }
}

/// Every key any keyring of this process has held, by id: what decoding a row opens values with.
///
/// Fluent decodes a row with no way to reach the application, so a stored value cannot ask the application's
/// keyring; it asks here instead, and `configure` (and a rotation) add their keys. Sealing never looks here: it
/// happens in `SealingMiddleware`, with the application's own keyring. Keys are only ever added, and two keys
/// that happen to share an id are both tried (the tag tells which one sealed the value).
final class OpeningKeys: @unchecked Sendable {
    static let shared = OpeningKeys()
    private let lock = NSLock()
    private var keys: [String: [SymmetricKey]] = [:]

    func add(_ keyring: DataKeyring) {
        lock.withLock {
            for id in keyring.keyIDs {
                let key = keyring.keys[id]!
                let known = keys[id, default: []]
                if !known.contains(where: { $0 == key }) { keys[id] = known + [key] }
            }
        }
    }

    func open(_ envelope: String) throws -> String {
        guard let (id, body) = DataKeyring.split(envelope) else { throw SealingError.notSealed }
        let candidates = lock.withLock { keys[id] ?? [] }
        guard !candidates.isEmpty else { throw SealingError.unknownKey(id) }
        for key in candidates.dropLast() {
            if let text = try? DataKeyring.open(body, id: id, key: key) { return text }
        }
        return try DataKeyring.open(body, id: id, key: candidates[candidates.count - 1])
    }
}
