extension SQLLexer {
    /// Reads a `--` comment up to (not including) the end of the line; `text` is the body after `--`.
    mutating func lexLineComment() -> SQLToken {
        let start = position
        position += 2
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n"), bytes[position] != UInt8(ascii: "\r") {
            position += 1
        }
        return SQLToken(kind: .lineComment, text: text(start + 2..<position), range: start..<position)
    }

    /// Reads a `/* ... */` comment, which nests as in PostgreSQL (`/* a /* b */ c */` is one comment);
    /// `text` is the body between the outermost delimiters.
    mutating func lexBlockComment() -> SQLToken {
        let start = position
        position += 2
        var depth = 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                position += 2
            } else if byte == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 {
                    return SQLToken(kind: .blockComment, text: text(start + 2..<position - 2), range: start..<position)
                }
            } else {
                position += 1
            }
        }
        return SQLToken(kind: .blockComment, text: text(start + 2..<position), range: start..<position,
                        isUnterminated: true)
    }
}
