/// Standard base64 (RFC 4648 section 4, with `=` padding) as used by SCRAM and pg_authid.
///
/// Decoding is strict because its input comes from peers and configuration: the length must be a multiple
/// of 4, only alphabet characters are allowed, `=` may appear only as final padding, the unused bits before
/// padding must be zero (canonical encoding), and the decoded size is bounded by the caller before any
/// allocation. Whitespace and line breaks are rejected.
public enum Base64 {
    /// The 64 characters of the standard alphabet, in value order.
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Marks a byte that is not in the alphabet in `decodingTable`.
    private static let invalid: UInt8 = 0xFF

    /// Maps an ASCII byte to its 6-bit value, or `invalid`.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// The padding character `=`.
    private static let pad = UInt8(ascii: "=")

    /// Encodes `bytes` and returns the text.
    public static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: encodeToBytes(bytes), as: UTF8.self)
    }

    /// Encodes `bytes` and returns the ASCII bytes of the text.
    public static func encodeToBytes(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(((bytes.count + 2) / 3) * 4)
        var index = 0
        while bytes.count - index >= 3 {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int((group >> 18) & 0x3F)])
            output.append(alphabet[Int((group >> 12) & 0x3F)])
            output.append(alphabet[Int((group >> 6) & 0x3F)])
            output.append(alphabet[Int(group & 0x3F)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let group = UInt32(bytes[index]) << 16
            output.append(alphabet[Int((group >> 18) & 0x3F)])
            output.append(alphabet[Int((group >> 12) & 0x3F)])
            output.append(pad)
            output.append(pad)
        case 2:
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int((group >> 18) & 0x3F)])
            output.append(alphabet[Int((group >> 12) & 0x3F)])
            output.append(alphabet[Int((group >> 6) & 0x3F)])
            output.append(pad)
        default:
            break
        }
        return output
    }

    /// Decodes `text`, or returns `nil` when it is not strict canonical base64 or would decode to more than
    /// `maximumDecodedLength` bytes.
    public static func decode(_ text: String, maximumDecodedLength: Int) -> [UInt8]? {
        decode(bytes: Array(text.utf8), maximumDecodedLength: maximumDecodedLength)
    }

    /// Decodes the ASCII bytes `encoded`, or returns `nil` when they are not strict canonical base64 or would
    /// decode to more than `maximumDecodedLength` bytes.
    public static func decode<Bytes: Collection>(bytes encoded: Bytes, maximumDecodedLength: Int) -> [UInt8]?
    where Bytes.Element == UInt8 {
        let characters = Array(encoded)
        let count = characters.count
        guard count % 4 == 0 else { return nil }
        // Reject by size before doing any work: every 4 characters decode to at most 3 bytes.
        guard count / 4 <= maximumDecodedLength / 3 + 1 else { return nil }
        var padding = 0
        if count >= 4, characters[count - 1] == pad {
            padding = characters[count - 2] == pad ? 2 : 1
        }
        let decodedLength = count / 4 * 3 - padding
        guard decodedLength <= maximumDecodedLength else { return nil }

        var output: [UInt8] = []
        output.reserveCapacity(decodedLength)
        var index = 0
        while index < count {
            let isLastGroup = index + 4 == count
            let paddedInGroup = isLastGroup ? padding : 0
            var group: UInt32 = 0
            for offset in 0..<4 {
                let character = characters[index + offset]
                if offset >= 4 - paddedInGroup {
                    group <<= 6
                    continue
                }
                let value = decodingTable[Int(character)]
                guard value != invalid else { return nil }
                group = group << 6 | UInt32(value)
            }
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            if paddedInGroup < 2 { output.append(UInt8(truncatingIfNeeded: group >> 8)) }
            if paddedInGroup < 1 { output.append(UInt8(truncatingIfNeeded: group)) }
            // Canonical encoding: the bits dropped by padding must be zero.
            if paddedInGroup == 1, group & 0xFF != 0 { return nil }
            if paddedInGroup == 2, group & 0xFFFF != 0 { return nil }
            index += 4
        }
        return output
    }
}
