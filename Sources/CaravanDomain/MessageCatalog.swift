import Foundation

/// The user-facing strings of one language: flat keys (`nav.home`) to text with `{name}` placeholders.
public struct MessageCatalog: Sendable {
    public let language: LanguageCode
    public let messages: [String: String]
    /// Each message cut once, when the catalogue is made, into its text and its `{placeholders}`: filling one
    /// is then appending pieces, not scanning the template (a page of match reasons fills a hundred of them).
    private let templates: [String: Template]

    public init(language: LanguageCode, messages: [String: String]) {
        self.language = language
        self.messages = messages
        templates = messages.mapValues(Template.init)
    }

    /// The text for `key` with `{placeholders}` filled and plural forms chosen by this language's rule;
    /// `nil` when the key is missing.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String? {
        guard let template = templates[key] else { return nil }
        guard !arguments.isEmpty else { return template.text }
        if template.hasPlural {
            return Self.fill(PluralSelector.resolve(template.text, arguments, language: language), arguments)
        }
        return template.filled(arguments)
    }

    /// Replaces each `{name}` whose name is an argument, in one pass over the template's UTF-8 (braces are
    /// ASCII, so no character breaking is needed); unknown `{names}` stay as they are.
    static func fill(_ template: String, _ arguments: [String: String]) -> String {
        Template(template).filled(arguments)
    }

    /// A message as literal text and placeholder names in order. `{name}` is a placeholder whatever `name` is;
    /// one without an argument is written back as it stands, so `{unknown}` and a lone `{` survive filling.
    struct Template: Sendable {
        enum Piece: Sendable {
            case text(String)
            case placeholder(String)
        }

        let text: String
        let pieces: [Piece]
        /// An ICU plural block (`{n, plural, …}`): chosen per count before filling.
        let hasPlural: Bool

        init(_ text: String) {
            self.text = text
            let bytes = Array(text.utf8)
            hasPlural = Self.contains(bytes, Array(", plural,".utf8))
            var pieces: [Piece] = []
            var literal: [UInt8] = []
            var at = 0
            while at < bytes.count {
                guard bytes[at] == UInt8(ascii: "{"),
                      let close = bytes[(at + 1)...].firstIndex(of: UInt8(ascii: "}")) else {
                    literal.append(bytes[at])
                    at += 1
                    continue
                }
                if !literal.isEmpty {
                    pieces.append(.text(String(decoding: literal, as: UTF8.self)))
                    literal.removeAll(keepingCapacity: true)
                }
                pieces.append(.placeholder(String(decoding: bytes[(at + 1)..<close], as: UTF8.self)))
                at = close + 1
            }
            if !literal.isEmpty { pieces.append(.text(String(decoding: literal, as: UTF8.self))) }
            self.pieces = pieces
        }

        func filled(_ arguments: [String: String]) -> String {
            var result = ""
            result.reserveCapacity(text.utf8.count + 32)
            for piece in pieces {
                switch piece {
                case .text(let literal):
                    result += literal
                case .placeholder(let name):
                    if let value = arguments[name] {
                        result += value
                    } else {
                        result += "{"
                        result += name
                        result += "}"
                    }
                }
            }
            return result
        }

        /// Byte search without Foundation (whose `contains` folds Unicode: most of the cost on Cyrillic text).
        private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
            guard needle.count <= bytes.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
            }
            return false
        }
    }
}

/// Every language Caravan speaks, loaded from a folder of `<code>.json` files.
///
/// A missing key falls back to the fallback language and then to the key itself, so a half-translated
/// catalogue degrades to readable text; the catalogue test keeps shipped catalogues complete.
public struct MessageCatalogs: Sendable {
    public let catalogs: [LanguageCode: MessageCatalog]
    public let fallback: LanguageCode
    /// The languages there is a catalogue for (every request asks, to choose its language).
    public let languages: Set<LanguageCode>

    public init(catalogs: [LanguageCode: MessageCatalog], fallback: LanguageCode) {
        self.catalogs = catalogs
        self.fallback = fallback
        languages = Set(catalogs.keys)
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
