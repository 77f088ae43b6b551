import Foundation

/// Base64url without padding (RFC 4648 §5), the encoding WebAuthn uses for challenges and credential ids
/// (WebAuthn Level 2 §3 "Base64url Encoding").
///
/// `encode` never pads. `decode` accepts the url-safe alphabet only (no `+`, `/` or whitespace) and tolerates
/// correct trailing `=` padding; anything else gives `nil`.
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-")
        text = text.replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    public static func decode(_ text: String) -> Data? {
        var scalars = Array(text.utf8)
        var padding = 0
        while let last = scalars.last, last == UInt8(ascii: "=") {
            scalars.removeLast()
            padding += 1
        }
        guard padding <= 2 else { return nil }
        // A lone trailing sextet cannot encode a whole byte.
        guard scalars.count % 4 != 1 else { return nil }
        if padding > 0, (scalars.count + padding) % 4 != 0 { return nil }

        var standard = [UInt8]()
        standard.reserveCapacity(scalars.count + 3)
        for byte in scalars {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                standard.append(byte)
            case UInt8(ascii: "-"):
                standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"):
                standard.append(UInt8(ascii: "/"))
            default:
                return nil
            }
        }
        while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(standard))
    }
}
