import Foundation

/// The user-facing strings of one language: flat keys (`nav.home`) to text with `{name}` placeholders.
public struct MessageCatalog: Sendable {
    public let language: LanguageCode
    public let messages: [String: String]

    public init(language: LanguageCode, messages: [String: String]) {
        self.language = language
        self.messages = messages
    }

    /// The text for `key` with `{placeholders}` filled and plural forms chosen by this language's rule;
    /// `nil` when the key is missing.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String? {
        guard let text = messages[key] else { return nil }
        guard !arguments.isEmpty else { return text }
        let chosen = text.contains(", plural,") ? PluralSelector.resolve(text, arguments, language: language) : text
        return Self.fill(chosen, arguments)
    }

    /// Replaces each `{name}` whose name is an argument, in one pass over the template's UTF-8 (braces are
    /// ASCII, so no character breaking is needed; with Cyrillic text that was most of the cost); unknown
    /// `{names}` stay as they are.
    static func fill(_ template: String, _ arguments: [String: String]) -> String {
        let bytes = Array(template.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 32)
        var at = 0
        while at < bytes.count {
            guard bytes[at] == UInt8(ascii: "{"),
                  let close = bytes[(at + 1)...].firstIndex(of: UInt8(ascii: "}")) else {
                result.append(bytes[at])
                at += 1
                continue
            }
            if let value = arguments[String(decoding: bytes[(at + 1)..<close], as: UTF8.self)] {
                result.append(contentsOf: value.utf8)
            } else {
                result.append(contentsOf: bytes[at...close])
            }
            at = close + 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// Every language Caravan speaks, loaded from a folder of `<code>.json` files.
///
/// A missing key falls back to the fallback language and then to the key itself, so a half-translated
/// catalogue degrades to readable text; the catalogue test keeps shipped catalogues complete.
public struct MessageCatalogs: Sendable {
    public let catalogs: [LanguageCode: MessageCatalog]
    public let fallback: LanguageCode

    public init(catalogs: [LanguageCode: MessageCatalog], fallback: LanguageCode) {
        self.catalogs = catalogs
        self.fallback = fallback
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(file: String, reason: String)
        case missingFallback(LanguageCode)

        public var description: String {
            switch self {
            case .unreadable(let file, let reason): "message catalogue \(file): \(reason)"
            case .missingFallback(let code): "no message catalogue for the fallback language '\(code)'"
            }
        }
    }

    /// Loads every `xx.json` in `folder`. Each file is one JSON object of string keys to string values.
    public static func load(from folder: URL, fallback: LanguageCode = .russian) throws -> MessageCatalogs {
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        var catalogs: [LanguageCode: MessageCatalog] = [:]
        for file in files {
            guard let code = LanguageCode(rawValue: file.deletingPathExtension().lastPathComponent) else { continue }
            do {
                let data = try Data(contentsOf: file)
                let messages = try JSONDecoder().decode([String: String].self, from: data)
                catalogs[code] = MessageCatalog(language: code, messages: messages)
            } catch {
                throw LoadError.unreadable(file: file.lastPathComponent, reason: "\(error)")
            }
        }
        guard catalogs[fallback] != nil else { throw LoadError.missingFallback(fallback) }
        return MessageCatalogs(catalogs: catalogs, fallback: fallback)
    }

    public var languages: Set<LanguageCode> { Set(catalogs.keys) }

    public func text(_ key: String, in language: LanguageCode, _ arguments: [String: String] = [:]) -> String {
        catalogs[language]?.text(key, arguments)
            ?? catalogs[fallback]?.text(key, arguments)
            ?? key
    }

    /// Whether `language`'s catalogue (or the fallback) has a message for `key`.
    public func has(_ key: String, in language: LanguageCode) -> Bool {
        catalogs[language]?.messages[key] != nil || catalogs[fallback]?.messages[key] != nil
    }

    /// Keys present in some catalogue but missing from `language`'s.
    public func missingKeys(in language: LanguageCode) -> Set<String> {
        let all = catalogs.values.reduce(into: Set<String>()) { $0.formUnion($1.messages.keys) }
        return all.subtracting(catalogs[language]?.messages.keys.map { $0 } ?? [])
    }
}
