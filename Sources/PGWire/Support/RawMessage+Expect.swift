extension RawMessage {
    /// Throws `unexpectedMessageID` unless this message has type byte `id`.
    func requireID(_ id: UInt8) throws {
        guard self.id == id else { throw WireProtocolError.unexpectedMessageID(expected: id, actual: self.id) }
    }
}
