import Leaf
import LeafKit
import Vapor

/// `#t("key")` or `#t("key", "name", value, ...)`: a catalogue message in the request's language.
/// The result is escaped like any other Leaf output, so a translation cannot inject markup.
struct LocalizeTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw LeafError(.unknownError("#t needs a message key as its first parameter"))
        }
        var arguments: [String: String] = [:]
        var rest = ctx.parameters.dropFirst().makeIterator()
        while let name = rest.next()?.string, let value = rest.next() {
            arguments[name] = value.string ?? value.description
        }
        guard let request = ctx.request else { return .string(key) }
        return .string(request.t(key, arguments))
    }
}
