import NIOCore

extension ByteBuffer {
    /// Writes a typed frame: `id`, an Int32 length counting itself, then whatever `body` writes.
    ///
    /// Only for messages pgring composes itself; a frame over `Int32.max` bytes would be our own bug.
    mutating func writeFrame(id: UInt8, _ body: (inout ByteBuffer) -> Void) {
        self.writeInteger(id)
        self.writeLengthCountingItself(body)
    }

    /// Writes an Int32 length that counts itself followed by `body` (startup-phase packets have no id byte).
    mutating func writeLengthCountingItself(_ body: (inout ByteBuffer) -> Void) {
        let lengthIndex = self.writerIndex
        self.writeInteger(Int32(0))
        body(&self)
        let length = self.writerIndex - lengthIndex
        precondition(length <= Int(Int32.max), "pgring composed a frame larger than Int32.max")
        self.setInteger(Int32(length), at: lengthIndex)
    }

    /// Writes `string` as UTF-8 followed by a NUL terminator.
    ///
    /// Protocol strings cannot contain NUL. Rather than trap (the text may come from a peer or a config file),
    /// an embedded NUL is written as U+FFFD so the field can never be cut short or shift the fields after it.
    mutating func writeCString(_ string: String) {
        if string.utf8.contains(0) {
            self.writeString(string.replacingNUL())
        } else {
            self.writeString(string)
        }
        self.writeInteger(UInt8(0))
    }
}

extension String {
    /// This string with every NUL scalar replaced by U+FFFD REPLACEMENT CHARACTER.
    func replacingNUL() -> String {
        String(String.UnicodeScalarView(self.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }))
    }
}
