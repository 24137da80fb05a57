import Foundation

/// Reads the golden vector files in `Vectors/`, written by `tools/gen-hash-vectors` with PostgreSQL's
/// `COPY ... TO STDOUT` text format: one row a line, columns separated by a tab, and inside a value
/// `\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v` stand for backslash, tab, newline, CR, BS, FF and VT.
enum VectorFile {
    /// Every row of `Vectors/<name>.tsv`, each row its decoded column values.
    static func rows(_ name: String) throws -> [[String]] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "tsv", subdirectory: "Vectors") else {
            throw VectorFileError.missing(name)
        }
        let data = try Data(contentsOf: url)
        var rows = [[String]]()
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            rows.append(try fields.map { try unescape(Array($0)) })
        }
        return rows
    }

    /// Decodes one COPY text-format value.
    static func unescape(_ bytes: [UInt8]) throws -> String {
        var result = [UInt8]()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                result.append(byte)
                continue
            }
            guard index < bytes.count else { throw VectorFileError.badEscape(bytes) }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "\\"): result.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "v"): result.append(0x0B)
            default: throw VectorFileError.badEscape(bytes)
            }
        }
        guard let text = String(validating: result, as: UTF8.self) else { throw VectorFileError.badUTF8(result) }
        return text
    }
}

/// A vector file that cannot be read.
enum VectorFileError: Error {
    /// The resource is not in the test bundle.
    case missing(String)
    /// A backslash escape COPY does not write.
    case badEscape([UInt8])
    /// A value that is not UTF-8.
    case badUTF8([UInt8])
    /// A row with the wrong shape.
    case badRow([String])
}
